// A fake Docker Engine API on a unix socket, serving a fixture folder's *.inspect.json and
// *.ts.log: ping, inspect and logs (multiplexed frames, held open when followed); no exec.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

function frame(payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 2;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

export async function startFakeDocker(dir: string): Promise<{ socket: string; names: string[]; close: () => Promise<void> }> {
  const containers = readdirSync(dir)
    .filter((f) => f.endsWith('.inspect.json'))
    .map((f) => {
      const data = (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>[])[0]!;
      const log = path.join(dir, f.replace('.inspect.json', '.ts.log'));
      // Asked for by the file's name (etcd3), it answers with whatever Name the rewritten inspect
      // output holds: an engine's answer is input like any other.
      return { data, name: f.replace('.inspect.json', ''), id: String(data.Id), log: existsSync(log) ? readFileSync(log) : Buffer.alloc(0) };
    });
  const socket = path.join(dir, 'docker.sock');
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const parts = url.pathname.replace(/^\/v[\d.]+/, '').split('/').map(decodeURIComponent);
    if (parts[1] === '_ping') return res.end('OK');
    const c = parts[1] === 'containers' ? containers.find((x) => x.name === parts[2] || x.id === parts[2] || x.id.startsWith(parts[2] ?? '\0')) : undefined;
    if (!c) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ message: 'No such container' }));
    }
    if (parts[3] === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(c.data));
    }
    if (parts[3] === 'logs') {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      const lines = c.log.toString('utf8').split(/(?<=\n)/);
      const body = Buffer.concat(lines.filter((l) => l !== '').map((l) => frame(Buffer.from(l))));
      // A followed log stays open, as the engine keeps it open while the container runs.
      if (url.searchParams.get('follow') === 'true' || url.searchParams.get('follow') === '1') {
        res.write(url.searchParams.get('since') ? Buffer.alloc(0) : body);
        open.add(res);
        return;
      }
      return res.end(body);
    }
    res.writeHead(501);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  const close = (): Promise<void> => {
    for (const r of open) r.end();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return { socket, names: containers.map((c) => c.name), close };
}
