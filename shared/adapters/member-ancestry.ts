/**
 * Where an account sits in the organization (organisation mode, a scope given by OUs): its
 * parents, nearest first, up to the root, by Organizations `ListParents` repeated from the hub.
 * Only the management account, or a delegated administrator the organization's resource policy
 * lets call ListParents, may; anywhere else the call is refused and the account is out of scope
 * (shared/domain/member-reach.ts says so, with the reason).
 *
 * Cached per account for {@link ANCESTRY_TTL_MS} in the container: a storm of events from one
 * account reads the tree once, and an account moved between OUs is judged by its new place at
 * most that long afterwards. An OU tree is at most five levels deep under the root, so an account
 * takes at most six calls.
 */
import { ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrganisationPort } from '../ports/organisation.js';
import { callAws } from './aws-errors.js';

/** How long an account's parents are trusted. */
export const ANCESTRY_TTL_MS = 10 * 60_000;

/** Root, then at most five levels of OUs: more would be a loop. */
const MAX_DEPTH = 6;

export interface AncestryOptions {
  readonly client?: Pick<OrganizationsClient, 'send'>;
  /** Milliseconds since the epoch; default Date.now. */
  readonly now?: () => number;
}

export const organisationAncestry = ({
  client = new OrganizationsClient({ maxAttempts: 4 }),
  now = Date.now,
}: AncestryOptions = {}): OrganisationPort => {
  const cache = new Map<string, { readonly parents: readonly string[]; readonly until: number }>();
  const parentOf = async (childId: string): Promise<{ id: string; type: string } | undefined> => {
    const { Parents } = await callAws('organizations', 'ListParents', () => client.send(new ListParentsCommand({ ChildId: childId })));
    const [parent] = Parents ?? [];
    return parent?.Id ? { id: parent.Id, type: parent.Type ?? '' } : undefined;
  };
  return {
    parentsOf: async (account) => {
      const cached = cache.get(account);
      if (cached && cached.until > now()) return cached.parents;
      const parents: string[] = [];
      let child = account;
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        const parent = await parentOf(child);
        if (!parent) break;
        parents.push(parent.id);
        if (parent.type === 'ROOT') break;
        child = parent.id;
      }
      cache.set(account, { parents, until: now() + ANCESTRY_TTL_MS });
      return parents;
    },
  };
};
