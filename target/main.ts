// `npm run target`: starts the reference target and prints its URL on the first line of stdout,
// which is how the orchestrator learns the port it got.
import { buildTarget } from './app.ts';
import { parseTargetConfig } from './config.ts';

async function main(): Promise<void> {
  const config = parseTargetConfig(process.argv.slice(2), process.env);
  const app = await buildTarget(config);
  const address = await app.listen({ host: config.host, port: config.port });
  console.log(`k6kit reference target listening at ${address}`);
  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    app.close().then(
      () => {
        console.log(`k6kit reference target stopped (${signal})`);
      },
      (error: unknown) => {
        console.error(`k6kit reference target: error while closing: ${String(error)}`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', () => close('SIGINT'));
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGHUP', () => close('SIGHUP'));
}

main().catch((error: unknown) => {
  console.error(`k6kit reference target: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
