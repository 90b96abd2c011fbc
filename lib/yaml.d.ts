// SLA tables are imported as data: the build validates and compiles them (scripts/sla/).
declare module '*.yaml' {
  const sla: import('./contract.ts').CompiledSla;
  export default sla;
}
