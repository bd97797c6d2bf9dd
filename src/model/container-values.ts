// The runtime values of src/model/container.ts (its vocabularies), without zod: code that is no
// schema imports them from here, so that a plain run never loads zod (test/cli/startup.test.ts).

export const CONTAINER_STATES = ['running', 'exited', 'restarting', 'paused', 'created', 'dead', 'removing'] as const;

export const DEPLOYMENTS = ['compose', 'bitnami', 'docker-run'] as const;

/** What happened when etcddoctor ran etcdctl inside the container. */
export const ETCDCTL_CAPTURE = ['captured', 'partial', 'failed', 'not-in-image', 'not-running', 'disabled'] as const;
