/** `govc --help`. */
export const mainUsage = `Usage: govc <command> [options]

Commands:
  serve        serve the govc service over HTTP/1.1 and HTTP/2 on one port

Options:
  -h, --help   show this help; \`govc <command> --help\` shows a command's
`;

/** `govc serve --help`. */
export const serveUsage = `Usage: govc serve [--port PORT] [--host HOST] [--tls-cert FILE --tls-key FILE]
                  [--memory-limit BYTES | --data-dir DIR] [--tokens FILE]

Serves the govc service on one port: HTTP/1.1 and HTTP/2 (cleartext h2c with prior
knowledge; with TLS, ALPN chooses h2 or http/1.1), the plain HTTP binding at /v1/...,
/healthz and Prometheus /metrics. Prints one line saying where it listens; stops
gracefully on SIGTERM or SIGINT (in-flight calls finish, then it exits 0).

Options:
  -p, --port PORT            TCP port; 0 picks a free one (default 8080)
      --host HOST            address to listen on (default 127.0.0.1: loopback only)
      --tls-cert FILE        PEM certificate; with --tls-key, TLS on the same port
      --tls-key FILE         PEM private key of --tls-cert
      --memory-limit BYTES   bound of the in-memory store; writes beyond it fail
                             resource_exhausted (default 1073741824, 1 GiB)
      --data-dir DIR         keep repositories durably in DIR, each a bare git
                             repository that stock git reads; one server per DIR
      --tokens FILE          bearer tokens and their rights (JSON; see the README);
                             GOVC_TOKENS may hold the same JSON instead. Without
                             tokens the server answers this machine only: --host
                             must be a loopback address, and requests a web page
                             could send (foreign Host or Origin, form bodies) are
                             refused
  -h, --help                 show this help
`;
