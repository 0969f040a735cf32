export const USAGE = `Usage: switchboard <command> [options]

Commands:
  start [--config <file>] [--port <n>] [--host <h>]
      Serve the gateway. Default config: ./switchboard.config.ts.
  check [--config <file>] [--write]
      Compose the unified schema against the sources' contracts (offline) and compare it
      with the committed <schema>.composed.graphql. Exit 1 on a broken binding or a change
      that breaks callers; dangerous changes are warnings. --write records the composition.
  print-subgraph --rest <file-or-url> | --soap <wsdl> | --grpc <proto> [--include <dir>]... | --grpc-reflect <host:port>
      Print the GraphQL subgraph a contract yields (SDL on stdout, warnings on stderr).
      [--name <source name>] names the source (default: the contract's file name, e.g. "billing"
      for billing.proto); --grpc-reflect needs it.
  token issue --partner <name> --scopes "<scope> ..." --ttl <n>(s|m|h|d) [--plan <name>] [--config <file>]
      Sign a token for a partner and print it once (docs/partners.md); the key file is created on first use.
  token list [--partner <name>] [--all] [--config <file>]
      Issued tokens (id = jti, partner, plan, dates, state, scopes); never the tokens. --all: expired too.
  token revoke <jti> [--config <file>]
      Revoke a token; every gateway refuses it within auth.revocationRefreshMs.
  keys rotate [--config <file>]
      Add a new signing key; the old one keeps verifying for auth.maxTokenTtlMs, then retires.
  writes list [--state <state>]... [--limit <n>] [--before <time>]
  writes show <id>
  writes replay <id>
  writes discard <id> --reason "<why>"
  writes audit [--since <time>] [--until <time>] [--write <id>] [--partner <name>] [--limit <n>]
      The write journal the config names (docs/writes.md): list writes (newest first; --state
      dead-lettered for the dead-letter queue), show one with its steps, replay or discard a
      dead letter, read the audit trail (oldest first). <time>: ISO 8601 or a duration back
      from now (30m, 1h, 7d). All take [--config <file>] and --json.
      Exit 0 done, 1 journal/config/replay failed, 2 wrong arguments, 3 no such write,
      4 not a dead letter (or no executor to replay with).

Options:
  -h, --help   Show this help.
`;
