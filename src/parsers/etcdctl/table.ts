// Reading etcdctl -w table output (olekukonko/tablewriter): borders, the header row, data rows and wrapped cells.

/** A border line: "+------------------+---------+" (also the box-drawing borders newer tablewriter versions draw). */
export function isTableBorder(line: string): boolean {
  return /^\s*[+┌├└╭╰╞╘╒][-─═+┬┼┴╪╤╧]*[-─═][-─═+┬┼┴╪╤╧]*[+┐┤┘╮╯╡╛╕]\s*$/.test(line);
}

/** The cells of a row "| 1770ca12c87a5cc2 | started | etcd1 |", trimmed; null when the line is not a table row. */
export function splitTableRow(line: string): string[] | null {
  const t = line.trim();
  const sep = t.startsWith('|') ? '|' : t.startsWith('│') ? '│' : null;
  if (sep === null || !t.endsWith(sep) || t.length < 2) return null;
  return t
    .slice(1, -1)
    .split(sep)
    .map((c) => c.trim());
}

/** Header cells normalised so "PEER ADDRS", "Peer Addrs" and "peer_addrs" compare equal. */
export function normaliseHeader(cell: string): string {
  return cell.trim().toUpperCase().replace(/[_\s]+/g, ' ');
}

/** A table's rows by header name. */
export type TableRow = Map<string, string>;

/** Pairs header names with a row's cells; null when the cell count differs. */
export function pairTableRow(headers: string[], cells: string[]): TableRow | null {
  if (cells.length !== headers.length) return null;
  const row: TableRow = new Map();
  headers.forEach((h, i) => row.set(h, cells[i] ?? ''));
  return row;
}

/**
 * tablewriter wraps a long cell (over 30 characters) onto extra lines whose other cells are blank:
 *   | http://127.0.0.1:40115 |  false | 2.693514926s |  etcdserver: rpc not supported |
 *   |                        |        |              |                    for learner |
 * This appends such a continuation to the row before it.
 */
export function appendWrappedCells(row: string[], continuation: string[]): string[] {
  return row.map((cell, i) => {
    const more = continuation[i] ?? '';
    if (more === '') return cell;
    return cell === '' ? more : `${cell} ${more}`;
  });
}
