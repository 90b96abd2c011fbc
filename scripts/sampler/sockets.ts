// The TCP state of each socket a watched tree holds. /proc/net/tcp and tcp6 are the only files
// that say it, and reading one walks the kernel's whole established-connection hash, whatever the
// number of sockets: 4–5 ms a file on this 24 GB machine (262,144 buckets) for 125 sockets, most of
// a sample's cost (issue 30). So a socket is looked up when it is new: the tables are read again
// when the tree holds a socket not seen before, and every `refreshEvery` reads besides, since an
// open socket's state changes (ESTABLISHED → CLOSE_WAIT when the peer closes). Pure: the tables
// come from read.ts.
import { parseNetTcp } from './proc.ts';

/** The tables as the kernel writes them (read.ts reads /proc; a test gives its own). */
export interface TcpTables {
  tcp(): string;
  /** '' where no IPv6 TCP socket is in use. */
  tcp6(): string;
}

export class SocketStates {
  /** inode → TCP state; undefined: not a TCP socket when the tables were last read (unix, UDP, unbound). */
  private known = new Map<string, string | undefined>();
  private sinceRead = 0;
  /** How many times the tables were read: what the cache saves is measured by it. */
  tableReads = 0;

  constructor(
    private readonly tables: TcpTables,
    private readonly refreshEvery = 5,
  ) {}

  /** The held sockets' TCP states, counted; a listening socket is not a connection. */
  count(inodes: string[]): Record<string, number> {
    const unseen = inodes.some((inode) => !this.known.has(inode));
    if (unseen || ++this.sinceRead >= this.refreshEvery) this.read(inodes);
    const tcp: Record<string, number> = {};
    for (const inode of inodes) {
      const state = this.known.get(inode);
      if (state && state !== 'LISTEN') tcp[state] = (tcp[state] ?? 0) + 1;
    }
    return tcp;
  }

  /** Only the held sockets are kept: one that closed is forgotten, and an inode reused is looked up. */
  private read(inodes: string[]): void {
    const states = parseNetTcp(this.tables.tcp());
    parseNetTcp(this.tables.tcp6(), states);
    this.known = new Map(inodes.map((inode) => [inode, states.get(inode)]));
    this.sinceRead = 0;
    this.tableReads++;
  }
}
