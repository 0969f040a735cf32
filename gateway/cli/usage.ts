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

Options:
  -h, --help   Show this help.
`;
