/**
 * The details of a complete prefix task to OBS (`src-bucket` in us-east-1 to `dst-bucket` in
 * cn-north-4), as the create form, the workflow step and the HTTP API take them: one text, so a
 * field the form comes to require is added once for every test that asks with it.
 */
export function prefixDetails(
  options: { objects?: string[]; description?: string; after?: string[] } = {},
): string {
  const [first, ...more] = options.objects ?? ['photos/'];
  return [
    'task_type: prefix',
    'Source cloud: AWS',
    'src_region: us-east-1',
    'src_bucket: src-bucket',
    `src_objects: ${first}`,
    ...more,
    'dst_region: cn-north-4',
    'dst_bucket: dst-bucket',
    ...(options.description === undefined ? [] : [`description: ${options.description}`]),
    ...(options.after ?? []),
  ].join('\n');
}
