// Keeps a rendering bug from taking the UI (and with it `serve`) down: the screen shows the error
// instead, the gateway keeps serving, q still quits (keys are handled outside this boundary), and
// c (clear) changes `resetKey`, which drops the offending rows and tries rendering again.
import { Text } from 'ink';
import { Component, type ReactNode } from 'react';
import { terminalSafe } from '../../text/terminal-safe.js';

interface State {
  error: Error | null;
}

interface Props {
  children: ReactNode;
  resetKey: number;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidUpdate(prev: Props): void {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <Text color="red">
          {`The terminal UI failed (${terminalSafe(this.state.error.message)}); the gateway keeps serving. Press c to clear and retry, q to quit.`}
        </Text>
      );
    }
    return this.props.children;
  }
}
