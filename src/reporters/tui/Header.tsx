// The two header lines: name, version, listen URL, auth and demo key; then the config file, alias
// and key counts and the config state (loaded / reloaded at HH:MM:SS / rejected: <first issue>).
// A third line shows the latest warning, if any.
import { Box, Text } from 'ink';
import { clip, clockTime } from './format.js';
import type { StoreSnapshot } from './request-store.js';
import type { TuiHeaderInfo } from './types.js';

export interface HeaderProps {
  info: TuiHeaderInfo;
  snapshot: StoreSnapshot;
  width: number;
}

export function Header({ info, snapshot, width }: HeaderProps) {
  const { server, config, lastWarning } = snapshot;
  const url = server?.url ?? info.url;
  const auth = server?.auth ?? info.auth;
  const aliases = (server?.aliases.length ?? info.aliases) + snapshot.aliasDelta;
  const configPath = server?.config_path ?? info.configPath;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color="cyan">
          aisix
        </Text>
        <Text dimColor> v{info.version}</Text>
        <Text>{'  '}</Text>
        <Text bold>{url}</Text>
        <Text>{'  auth '}</Text>
        <Text color={auth ? 'green' : 'yellow'}>{auth ? 'on' : 'off'}</Text>
        {info.demoKey ? (
          <>
            <Text>{'  demo key '}</Text>
            <Text color="magenta">{info.demoKey}</Text>
          </>
        ) : null}
      </Text>
      <Text wrap="truncate">
        <Text dimColor>config </Text>
        <Text>{configPath}</Text>
        <Text dimColor>{`  ${plural(aliases, 'alias', 'aliases')}  ${plural(info.keys, 'key', 'keys')}  `}</Text>
        <ConfigState config={config} />
      </Text>
      {lastWarning ? (
        <Text color="yellow" wrap="truncate">
          {clip(`warning ${clockTime(lastWarning.at)} ${lastWarning.message}`, width)}
        </Text>
      ) : null}
    </Box>
  );
}

function ConfigState({ config }: { config: StoreSnapshot['config'] }) {
  if (config.kind === 'reloaded') return <Text color="green">reloaded at {clockTime(config.time)}</Text>;
  if (config.kind === 'rejected') {
    const more = config.more > 0 ? ` (+${config.more} more)` : '';
    return <Text color="red" bold>{`rejected: ${config.issue}${more}`}</Text>;
  }
  return <Text dimColor>loaded</Text>;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
