// The text of `k6kit help`: every command, option and exit code.

export const HELP = `k6kit: load, stress and soak tests with k6

Usage:
  k6kit run [scenario] [options]   build, start the reference target (unless BASE_URL), run k6, judge
  k6kit suite NAME [options]       the runs a suite lists (scenarios/suites/NAME.yaml, or a .yaml
                                   file), one after another, each stopped at its timeout; one
                                   verdict, exit code and report linking each run's (--scale
                                   multiplies each run's; the options of run but --profile, --sla,
                                   --rounds, --workers, --duration, --rate, --baseline apply to all)
  k6kit plan [scenario] [profile]  print the resolved phases, thresholds and expected volume; no load
  k6kit report RUN_DIR             render a run folder's reports again (HTML, Markdown, JUnit, JSON);
                                   on an export folder, merge its runners' results/ and judge them
  k6kit export k6-operator [scenario] --parallelism N --base-url URL [--out-dir DIR]
                                   [--namespace NS] [--image IMAGE]: a k6 archive, its ConfigMap
                                   and a TestRun of N runners for grafana/k6-operator
  k6kit compare BASELINE CURRENT   compare two run folders per operation; exit 13 on a regression
  k6kit new [options]              generate a scenario, its SLA table and its test for one endpoint
                                   (--kind K --name N [--path P] [--p50 --p95 --p99 --max D]
                                   [--bytes B] [--force]; asks for kind and name in a terminal)
  k6kit k6                         find or build the pinned k6 and print its version
  k6kit test-k6                    run the k6-side tests of lib/ inside k6
  k6kit test-slowest [N]           the N (20) slowest tests of the last npm run test:node
  k6kit help

Options of run and plan:
  --profile NAME     load profile (K6KIT_PROFILE; default: the scenario's own, smoke for most)
  --scale N          shrink users and durations by N in (0, 1] (K6KIT_SCALE; default 1)
  --rounds N         set exactly, beside --scale, on the profile's main phase (the one with the
  --workers N        most users): rounds of each worker, users (a ramp keeps its shape), the
  --duration D       hold's or an open phase's time (90s, 5m, 1h), requests per second of an
  --rate R           open phase (K6KIT_ROUNDS, K6KIT_WORKERS, K6KIT_DURATION, K6KIT_RATE)
  --sla FILE         judge against this SLA table instead of the scenario's own
  --base-url URL     the system under test (BASE_URL); without it the reference target is started
  --allow-hosts      allow a BASE_URL outside loopback, and any host (K6KIT_ALLOW_HOSTS=1)
  --allow-host NAME  allow exactly this host (repeatable; K6KIT_ALLOW_HOSTS=a,b): BASE_URL must
                     be one of them, and k6 blocks every other address and name
  --resolve NAME=ADDRESS  k6's hosts option: NAME is sent to ADDRESS without DNS (repeatable)
  --watch-pid PID    with BASE_URL: the process (and children) to sample and judge for leaks
  --watch-port PORT  with BASE_URL: watch the process listening on this port
  --watch-cgroup PATH  with BASE_URL: watch a cgroup (a container, a systemd service): memory,
                     CPU, tasks and disk I/O as the kernel accounts them (v2, or a hybrid host's v1)
  --watch-container ID  with BASE_URL: watch a running Docker/Podman container's cgroup, found
                     through /proc (no Docker CLI needed)
  --scrape URL       read a Prometheus text-format endpoint at each sample (repeatable); the SLA
                     table's verdicts.metrics judge its series (exit 15)
  --out OUTPUT       a k6 output, passed to k6 as it is (repeatable): csv=f.csv,
                     experimental-prometheus-rw, opentelemetry...
  --instances N      run N k6 processes, one execution segment each of one k6 archive, started
                     together; thresholds and verdicts judged on their merged results (plan:
                     show the split)
  --settle-url URL   POSTed before the baseline and the cooldown (a forced GC); the reference
                     target's /__target/gc is used by itself
  --warmup S         seconds of light load before the baseline (default 5; 0: none)
  --samples N        samples in the baseline and in the cooldown, each a median (default 5)
  --skip-rest        no baseline or cooldown at rest: a quicker run whose leaks, peak growth
                     and scraped growth are not judged (the verdict says so)
  --interval S       seconds between resource samples (default 1)
  --tolerance R=P%   leak tolerance per resource: memory, threads, fds, connections (default 2%)
  --quiet            no k6 progress bar
  --baseline DIR     compare with this earlier run folder; a regression fails the run (exit 13)
  --max-regression P%  with --baseline and compare: change tolerated (default 10%)
  --accept-saturation  a load generator that could not keep up (the machine's CPU full, k6 its
                     main user) is shown, not failed (K6KIT_ACCEPT_SATURATION=1)

The scenario defaults to K6KIT_SCENARIO, or perf-agent.
Exit codes: 0 pass, 99 an SLA threshold failed, 10 a leak, 11 degradation, 12 no recovery,
13 a regression against the baseline, 14 a utilisation limit passed, 15 a scraped metric
passed its limit, 16 the target stopped answering, 17 the run did not do its plan, 18 the load generator
could not keep up, 19 a live criterion (stop_when, fail_when) held, 20 a suite's run passed
its timeout (a suite exits with its first failed run's code), 2 bad
input (a target that answers nothing right in the warmup too), 3 no usable k6, 4 the target
failed or the watched process went away, 5 k6 failed, 6 results could not be written,
130 interrupted, 1 a k6kit bug.`;
