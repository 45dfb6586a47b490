// child_process, loaded on first use: a kernel whose interpreter's probe is cached never spawns anything,
// and child_process brings 9 of Node's internal modules (dgram among them) that nothing else in a
// kernel loads (docs/performance.md, "Start-up").
export function childProcess(): typeof import('child_process') {
  return require('child_process') as typeof import('child_process');
}
