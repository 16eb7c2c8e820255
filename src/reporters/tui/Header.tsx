// The two header lines: name, version, listen URL, auth and demo key; then the config file, alias
// and key counts and the config state (loaded / reloaded at HH:MM:SS / rejected: <first issue>).
// A third line shows the latest warning, if any. Auth follows server.listening and then every
// config.reloaded. Text from outside (URL, config path, warnings, config issues) is terminalSafe.
// With a spend cap (proxy.budget_usd, followed the same way as auth) the second line starts with
// `spend $0.0123 / $5.00` (the first one, with a demo key, has no room left at 80 columns): the
// session's priced spend (the totals' cost), yellow from 80% of the cap, red once reached (new
// model requests then get 429 budget_exceeded). No cap, no spend.
import { Box, Text } from 'ink';
import { terminalSafe } from '../../text/terminal-safe.js';
import { capDollars, spendDollars } from '../../text/usd.js';
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
  const url = terminalSafe(server?.url ?? info.url);
  const auth = snapshot.auth ?? info.auth;
  const aliases = (server?.aliases.length ?? info.aliases) + snapshot.aliasDelta;
  // The key count is the one at mount time (config.reloaded does not carry it), except that a
  // config without auth has no keys.
  const keys = snapshot.auth === false ? 0 : info.keys;
  const configPath = terminalSafe(server?.config_path ?? info.configPath);
  const cap = snapshot.budgetUsd !== undefined ? snapshot.budgetUsd : (info.budgetUsd ?? null);
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
            <Text color="magenta">{terminalSafe(info.demoKey)}</Text>
          </>
        ) : null}
      </Text>
      <Text wrap="truncate">
        {cap !== null ? <Spend spent={snapshot.totals.costUsd} cap={cap} /> : null}
        <Text dimColor>config </Text>
        <Text>{configPath}</Text>
        <Text dimColor>{`  ${plural(aliases, 'alias', 'aliases')}  ${plural(keys, 'key', 'keys')}  `}</Text>
        <ConfigState config={config} />
      </Text>
      {lastWarning ? (
        <Text color="yellow" wrap="truncate">
          {clip(`warning ${clockTime(lastWarning.at)} ${terminalSafe(lastWarning.message)}`, width)}
        </Text>
      ) : null}
    </Box>
  );
}

function Spend({ spent, cap }: { spent: number; cap: number }) {
  const color = spent >= cap ? 'red' : spent >= cap * 0.8 ? 'yellow' : undefined;
  return (
    <>
      <Text>{'spend '}</Text>
      <Text {...(color === undefined ? {} : { color })} bold={color === 'red'}>{`${spendDollars(spent)} / ${capDollars(cap)}`}</Text>
      <Text>{'  '}</Text>
    </>
  );
}

function ConfigState({ config }: { config: StoreSnapshot['config'] }) {
  if (config.kind === 'reloaded') return <Text color="green">reloaded at {clockTime(config.time)}</Text>;
  if (config.kind === 'rejected') {
    const more = config.more > 0 ? ` (+${config.more} more)` : '';
    return <Text color="red" bold>{`rejected: ${terminalSafe(config.issue)}${more}`}</Text>;
  }
  return <Text dimColor>loaded</Text>;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
