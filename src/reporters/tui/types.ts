// What `serve` tells the TUI at mount time (the header's static part). The store overrides the
// URL, config path, alias count and auth from `server.listening` / `config.reloaded` when they come.
export interface TuiHeaderInfo {
  version: string;
  url: string;
  configPath: string;
  aliases: number;
  keys: number;
  auth: boolean;
  /** the demo caller key, shown only in `--demo` */
  demoKey: string | null;
  /** `proxy.budget_usd` at mount time (the header shows spend against it); absent or null: no cap */
  budgetUsd?: number | null;
}
