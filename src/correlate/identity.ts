// Who a node is, from its own lines: its member ID and its --name. Shared by the node
// statistics and the cluster model so both read identity the same way.
import type { LogEvent } from '../model/event.js';

export const HEX_ID = /^[0-9a-f]{1,16}$/;
const NAME_IN_ATTRS = /\{Name:([^\s}]*)/;

/** The node's own member ID: `local-member-id` is always the logging member's (zap, and capnslog facts). */
export function memberIdOf(e: LogEvent): string | null {
  const id = e.fields['local-member-id'];
  return typeof id === 'string' && HEX_ID.test(id) ? id : null;
}

/** The node's --name, from its startup configuration or the attributes it published. */
export function memberNameOf(e: LogEvent): string | null {
  const f = e.fields;
  // zap `starting an etcd server` has `name`; capnslog `embed: name = etcd1` gives the same fact.
  if (typeof f.name === 'string' && f.name !== '' && (e.msg.includes('starting an etcd server') || /^name = /.test(e.msg))) {
    return f.name;
  }
  const attrs = f['local-member-attributes'];
  if (typeof attrs === 'string') {
    const m = NAME_IN_ATTRS.exec(attrs);
    if (m && m[1]) return m[1];
  }
  if (e.msg.startsWith('published {Name:')) {
    const m = NAME_IN_ATTRS.exec(e.msg);
    if (m && m[1]) return m[1];
  }
  return null;
}
