/** The four kinds of git object; the name is also the first word of the object's header. */
export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

const objectTypes: ReadonlySet<string> = new Set<ObjectType>(['blob', 'tree', 'commit', 'tag']);

/** Whether `value` names a git object type; used when reading headers from untrusted bytes. */
export function isObjectType(value: string): value is ObjectType {
  return objectTypes.has(value);
}
