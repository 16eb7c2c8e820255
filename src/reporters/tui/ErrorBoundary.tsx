// Keeps a rendering bug from taking the UI (and with it `serve`) down: the screen shows the error
// instead, the gateway keeps serving, and q still quits (keys are handled outside this boundary).
import { Text } from 'ink';
import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <Text color="red">
          {`The terminal UI failed (${this.state.error.message}); the gateway keeps serving. Press q to quit.`}
        </Text>
      );
    }
    return this.props.children;
  }
}
