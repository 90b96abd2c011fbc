// Pure: a k6kit run as grafana/k6-operator runs it: a ConfigMap holding the k6 archive, and a
// TestRun of `parallelism` runners, each one execution segment of it (the operator splits them).
// Field names follow k6-operator's CRD (config/crd/bases/k6.io_testruns.yaml, from
// api/v1alpha1/k6_types.go's TestRunSpec and Pod).
//
// The operator aggregates nothing. Each runner writes its samples and its summary to a shared
// volume under its own pod's name: Kubernetes expands $(POD_NAME) in a later variable's value,
// and k6 reads its outputs from K6_OUT and K6_SUMMARY_EXPORT. Copied back into the export folder,
// `k6kit report` merges them and judges the thresholds on the whole, as a local --instances run.

export interface OperatorExport {
  /** The TestRun's and the ConfigMap's name (a DNS label). */
  name: string;
  namespace?: string;
  parallelism: number;
  /** The archive, base64: binaryData of the ConfigMap. */
  archiveBase64: string;
  /** k6kit's environment (profile, scale, egress, BASE_URL), as the archive also carries it. */
  env: Record<string, string>;
  /** The PersistentVolumeClaim the runners write their results to (ReadWriteMany). */
  resultsClaim: string;
  /** The Secret holding K6KIT_AUTH_TOKEN, when the system under test wants one. */
  tokenSecret: string;
  /** The runner image; absent: the operator's default (grafana/k6). */
  image?: string;
}

export const ARCHIVE_FILE = 'archive.tar';
export const RESULTS_PATH = '/results';

function metadataOf(e: OperatorExport): Record<string, unknown> {
  return {
    name: e.name,
    ...(e.namespace ? { namespace: e.namespace } : {}),
    labels: { 'app.kubernetes.io/managed-by': 'k6kit' },
  };
}

export function configMapManifest(e: OperatorExport): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadataOf(e),
    binaryData: { [ARCHIVE_FILE]: e.archiveBase64 },
  };
}

export function testRunManifest(e: OperatorExport): Record<string, unknown> {
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadataOf(e),
    spec: {
      parallelism: e.parallelism,
      script: { configMap: { name: e.name, file: ARCHIVE_FILE } },
      // Thresholds are judged on the merged samples; one runner's share decides nothing.
      arguments: '--no-thresholds',
      runner: {
        ...(e.image ? { image: e.image } : {}),
        env: [
          ...Object.entries(e.env).map(([name, value]) => ({ name, value })),
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'K6_CSV_TIME_FORMAT', value: 'unix_milli' },
          { name: 'K6_OUT', value: `csv=${RESULTS_PATH}/$(POD_NAME).csv.gz` },
          { name: 'K6_SUMMARY_EXPORT', value: `${RESULTS_PATH}/$(POD_NAME)-summary.json` },
          // Never in the manifest: read from a Secret, if there is one.
          {
            name: 'K6KIT_AUTH_TOKEN',
            valueFrom: { secretKeyRef: { name: e.tokenSecret, key: 'token', optional: true } },
          },
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName: e.resultsClaim } }],
        volumeMounts: [{ name: 'results', mountPath: RESULTS_PATH }],
      },
    },
  };
}

/** A Kubernetes object name: lower-case letters, digits and '-', at most 63, from a run's name. */
export function objectName(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'k6kit'
  );
}
