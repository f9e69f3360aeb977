import { formatByteSize } from './byte-size.js';
import { defaultMemoryLimit } from './parse-serve-args.js';

/** `govc --help`. */
export const mainUsage = `Usage: govc <command> [options]

Commands:
  serve           serve the govc service over HTTP/1.1 and HTTP/2 on one port
  bench [FLAGS]   run the bench matrix (the govc-bench bin of @govc/bench; --help for its flags)
  version         print the version of govc (@govc/server)
  help [COMMAND]  show this help, or a command's

Options:
  -h, --help      show this help; \`govc <command> --help\` shows a command's
  -v, --version   print the version of govc

Exit status: 0 done, 1 failed, 2 a command line govc cannot run.
`;

/**
 * The defaults of the size flags, as the server and the HTTP binding set them (they are not
 * exported there); written with `formatByteSize`, so that each reads as a value the flag takes.
 */
const sizeDefaults = {
  memoryLimit: formatByteSize(defaultMemoryLimit),
  maxHeaderBytes: formatByteSize(16 * 1024),
  maxMessageBytes: formatByteSize(16 * 1024 ** 2),
  maxInflatedBytes: formatByteSize(64 * 1024 ** 2),
};

/** `govc serve --help`. */
export const serveUsage = `Usage: govc serve [--port PORT] [--host HOST] [--tls-cert FILE --tls-key FILE]
                  [--memory-limit SIZE | --data-dir DIR] [--tokens FILE]

Serves the govc service on one port: HTTP/1.1 and HTTP/2 (cleartext h2c with prior
knowledge; with TLS, ALPN chooses h2 or http/1.1), the plain HTTP binding at /v1/...,
/healthz and Prometheus /metrics. Prints one line saying where it listens and which
store it opened; stops gracefully on SIGTERM or SIGINT (in-flight calls finish, then
it exits 0). A signal during start-up stops it there, closes what it opened and
exits 0 too. It exits 1 when it cannot start (the data directory, the store or the
port, said in words), 2 for a command line it cannot run.

Options:
  -p, --port PORT               TCP port; 0 picks a free one (default 8080)
      --host HOST               address to listen on (default 127.0.0.1:
                                loopback only)
      --tls-cert FILE           PEM certificate; with --tls-key, TLS on the same
                                port
      --tls-key FILE            PEM private key of --tls-cert
      --memory-limit SIZE       bound of the in-memory store; writes beyond it
                                fail resource_exhausted (default ${sizeDefaults.memoryLimit})
      --data-dir DIR            keep repositories durably in DIR, each a bare git
                                repository that stock git reads; one server per
                                DIR; created with its parents if missing
      --tokens FILE             bearer tokens and their rights (JSON; see the
                                README); GOVC_TOKENS may hold the same JSON
                                instead. Without tokens the server answers this
                                machine only: --host must be a loopback address,
                                and requests a web page could send (foreign Host
                                or Origin, form bodies) are refused
      --cors-origin ORIGIN      let pages from ORIGIN (https://app.example) call
                                the server from a browser (CORS); repeatable;
                                none by default
      --log json|off            one JSON line per call on stderr: time, protocol,
                                method, code, latency, bytes; and the start-up
                                and shutdown lines as JSON too (default off)

Limits (a client over one gets resource_exhausted, invalid_argument, 431 or 408,
or a closed connection or stream; each hit counts in govc_limit_hits_total on
/metrics, except refused HTTP/2 streams). A SIZE is a whole number of bytes,
optionally with a unit: KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based),
case-insensitive, no space: 512KiB, 16MiB, 1GiB.
      --max-connections N       open connections (default 4096)
      --max-header-bytes SIZE   one request's headers (default ${sizeDefaults.maxHeaderBytes})
      --max-streams N           HTTP/2 calls in flight per connection; more are
                                refused with REFUSED_STREAM (default 256)
      --max-message-bytes SIZE  one request body or stream message (default ${sizeDefaults.maxMessageBytes})
      --max-inflated-bytes SIZE what a gzip body may inflate to (default ${sizeDefaults.maxInflatedBytes})
      --max-batch-ops N         operations in one BatchOperations (default and
                                most 1000)
      --idle-timeout-ms N       idle keep-alive / HTTP/2 connection (default 30000)
      --headers-timeout-ms N    HTTP/1.1 headers complete (default 15000)
      --request-timeout-ms N    whole request received, HTTP/1.1 or 2 (default
                                300000)
  -h, --help                    show this help
`;
