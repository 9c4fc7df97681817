// The policy model as code outside the language service (verification, the CLI) may read it: the one entry
// point the layering test lets `verify/` import from `service/`, so the service's internals stay free to move.
import type { Node } from 'yaml';
import type { YamlDoc } from '../document/yamlFile';

export { parseYamlFile } from '../document/yamlFile';
export type { YamlDoc, YamlFile } from '../document/yamlFile';
export { kyvernoModel, policyModel } from './model';
export type {
  Fact, ImageMatcher, KyvernoAttestation, KyvernoEntry, KyvernoPolicyModel, KyvernoRule, LegacyFields, PolicyModel,
} from './model';
export { kyvernoEntryMatch, matcherAccepts } from './match';
export type { KyvernoImageMatch } from './match';

/**
 * A model node as plain data (maps to objects, sequences to arrays), for code that works on the CRD's JSON shape.
 * Aliases resolve against the node's document (a `*key` holds the anchored value, as the API server sees it).
 */
export function plainValue(node: Node | null | undefined, doc: YamlDoc): unknown {
  return node ? node.toJS(doc.doc, { maxAliasCount: 100 }) : undefined;
}
