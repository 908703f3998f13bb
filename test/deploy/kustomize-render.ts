import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Renders the kustomizations under deploy/kustomize without the kustomize binary, for tests on
 * machines that lack it. It knows only what those kustomizations use (resources, components,
 * configMapGenerator from files with kustomize's name hash, strategic-merge patches over the lists below,
 * NetworkPolicy rules replaced whole) and
 * throws on anything else, so a new kustomize feature is never silently skipped. Where kubectl is
 * installed, the manifests test checks this against `kubectl kustomize`.
 */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
};

/** Lists a strategic merge joins by key instead of replacing (the keys Kubernetes declares). */
export const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
};

/**
 * Lists Kubernetes declares no merge key for (a NetworkPolicy's rules): a strategic merge replaces
 * them whole, as kustomize does.
 */
const REPLACED_LISTS = new Set(['egress', 'ingress']);

const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'configMapGenerator',
  'patches',
]);

export function renderKustomization(dir: string): Manifest[] {
  const resources: Manifest[] = [];
  build(dir, resources, 'Kustomization');
  suffixGeneratedNames(resources);
  return resources;
}

/** ConfigMaps made by a generator: their names get the content hash once everything is merged. */
const generated = new WeakSet<Manifest>();

/**
 * kustomize's name suffix (api/hasher): SHA-256 of the ConfigMap as Go's json.Marshal writes
 * `{"data":…,"kind":"ConfigMap","name":…}` (keys sorted, <, > and & escaped), its first 10 hex
 * digits with 0, 1, 3, a and e swapped for letters (g, h, k, m, t) so no suffix reads as a number
 * or a word; then every reference of the pod templates follows the new name. The name it hashes
 * is always "": kustomize looks it up as one key named `metadata/name`, which no ConfigMap has
 * (checked against kubectl's kustomize v5.5 by the last test of manifests.test.ts).
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return hex.replace(/[013ae]/g, (c) => swap[c]!);
}

function suffixGeneratedNames(resources: Manifest[]): void {
  const renamed = new Map<string, string>();
  for (const r of resources) {
    if (!generated.has(r)) continue;
    const name = `${r.metadata.name}-${configMapHash(r.data as Record<string, string>)}`;
    renamed.set(r.metadata.name, name);
    r.metadata.name = name;
  }
  for (const r of resources) {
    const pod = (r.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
    if (!pod) continue;
    for (const volume of pod.volumes ?? [])
      if (volume.configMap && renamed.has(volume.configMap.name))
        volume.configMap.name = renamed.get(volume.configMap.name)!;
    for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      const refs = [
        ...(container.env ?? []).map((e) => e.valueFrom?.configMapKeyRef),
        ...(container.envFrom ?? []).map((e) => e.configMapRef),
      ];
      for (const ref of refs) if (ref && renamed.has(ref.name)) ref.name = renamed.get(ref.name)!;
    }
  }
}

interface PodSpec {
  volumes?: { configMap?: { name: string } }[];
  containers?: ContainerRefs[];
  initContainers?: ContainerRefs[];
}
interface ContainerRefs {
  env?: { valueFrom?: { configMapKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
}

function build(dir: string, resources: Manifest[], expectedKind: 'Kustomization' | 'Component'): void {
  const file = path.join(dir, 'kustomization.yaml');
  const k = readYamlDocs(file)[0] as Record<string, unknown>;
  if (k.kind !== expectedKind) throw new Error(`${file}: kind ${String(k.kind)}, expected ${expectedKind}`);
  const unknown = Object.keys(k).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`${file}: the test's renderer does not know ${unknown.join(', ')}`);

  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const target = path.resolve(dir, entry);
    if (statSync(target).isDirectory()) build(target, resources, 'Kustomization');
    else resources.push(...(readYamlDocs(target) as Manifest[]));
  }
  for (const generator of (k.configMapGenerator as ConfigMapGenerator[] | undefined) ?? [])
    resources.push(generateConfigMap(dir, generator));
  for (const entry of (k.components as string[] | undefined) ?? [])
    build(path.resolve(dir, entry), resources, 'Component');
  for (const patch of (k.patches as { path?: string }[] | undefined) ?? []) {
    if (!patch.path || Object.keys(patch).length !== 1)
      throw new Error(`${file}: the test's renderer applies only patches given by path`);
    for (const doc of readYamlDocs(path.resolve(dir, patch.path))) applyPatch(resources, doc as Manifest);
  }
}

interface ConfigMapGenerator {
  name: string;
  files: string[];
}

function generateConfigMap(dir: string, generator: ConfigMapGenerator): Manifest {
  if (Object.keys(generator).some((key) => !['name', 'files'].includes(key)))
    throw new Error(`configMapGenerator ${generator.name}: the test's renderer knows name and files only`);
  const data: Record<string, string> = {};
  for (const file of generator.files)
    data[path.basename(file)] = readFileSync(path.resolve(dir, file), 'utf8');
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: generator.name },
    data,
  };
  generated.add(configMap);
  return configMap;
}

function applyPatch(resources: Manifest[], patch: Manifest): void {
  const index = resources.findIndex(
    (r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name && group(r) === group(patch),
  );
  if (index < 0) throw new Error(`patch for ${patch.kind}/${patch.metadata.name}: no such resource`);
  if (patch.$patch === 'delete') {
    resources.splice(index, 1);
    return;
  }
  resources[index] = mergeObjects(resources[index]!, patch, patch.kind) as Manifest;
}

const group = (m: Manifest) => (m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '');

function mergeObjects(base: Record<string, unknown>, patch: Record<string, unknown>, where: string) {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch')
      throw new Error(`${where}: the test's renderer knows only a whole-resource $patch: delete`);
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(key, out[key], value, `${where}.${key}`);
    else if (isObject(value) && isObject(out[key]))
      out[key] = mergeObjects(out[key], value, `${where}.${key}`);
    else out[key] = value;
  }
  return out;
}

function mergeList(key: string, base: unknown, patch: unknown[], where: string): unknown[] {
  const mergeKey = MERGE_KEYS[key];
  if (!patch.some(isObject) || REPLACED_LISTS.has(key)) return patch;
  if (!mergeKey) throw new Error(`${where}: the test's renderer does not know how this list merges`);
  const out = [...((base as Record<string, unknown>[] | undefined) ?? [])];
  for (const item of patch as Record<string, unknown>[]) {
    const at = out.findIndex((existing) => existing[mergeKey] === item[mergeKey]);
    if (at < 0) out.push(mergeObjects({}, item, where));
    else out[at] = mergeObjects(out[at]!, item, where);
  }
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function readYamlDocs(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS();
  });
}

/**
 * One order for comparing two renders: resources by kind and name, merge-keyed lists by key (a
 * strategic merge may put a patched item first; Kubernetes reads these lists as sets).
 */
export function normalized(resources: Manifest[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of resources) out[`${r.apiVersion} ${r.kind}/${r.metadata.name}`] = sortLists(r);
  return out;
}

function sortLists(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => sortLists(item));
    const mergeKey = MERGE_KEYS[key];
    return mergeKey
      ? items.sort((a, b) => String((a as never)[mergeKey]).localeCompare(String((b as never)[mergeKey])))
      : items;
  }
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortLists(v, k)]));
  return value;
}
