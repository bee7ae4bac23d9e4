// Job logs as the providers write them: GitHub's timestamped lines with ##[group] sections and a
// leading BOM; GitLab's trace with section_start/section_end markers. Both carry ANSI colours.

const E = "\u001b";
const green = (text) => `${E}[1m${E}[92m${text}${E}[0m`;
const red = (text) => `${E}[1m${E}[91m${text}${E}[0m`;

// What each command prints; `fail` is the tail when the step fails.
const OUTPUT = {
  "cargo clippy": {
    ok: [`${green("    Checking")} shop v0.1.0 (/home/runner/work/shop/shop)`, `${green("    Finished")} \`dev\` profile [unoptimized + debuginfo] target(s) in 38.52s`],
    fail: [`${red("error")}${E}[1m: this \`if\` has identical blocks${E}[0m`, `   ${E}[1m${E}[94m--> ${E}[0msrc/cart.rs:57:5`, `${red("error")}: could not compile \`shop\` (lib) due to 1 previous error`],
  },
  "cargo test": {
    ok: [
      `${green("   Compiling")} shop v0.1.0 (/home/runner/work/shop/shop)`,
      `${green("    Finished")} \`test\` profile [unoptimized + debuginfo] target(s) in 41.27s`,
      `${green("     Running")} unittests src/lib.rs (target/debug/deps/shop-3f1b2c4d5e6f7a8b)`,
      "", "running 3 tests",
      `test cart::totals_include_tax ... ${E}[32mok${E}[0m`,
      `test orders::export_csv ... ${E}[32mok${E}[0m`,
      `test auth::rejects_expired_session ... ${E}[32mok${E}[0m`,
      "", `test result: ${E}[32mok${E}[0m. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.41s`, "",
    ],
    fail: [
      `${green("   Compiling")} shop v0.1.0 (/home/runner/work/shop/shop)`,
      `${green("    Finished")} \`test\` profile [unoptimized + debuginfo] target(s) in 41.27s`,
      `${green("     Running")} unittests src/lib.rs (target/debug/deps/shop-3f1b2c4d5e6f7a8b)`,
      "", "running 3 tests",
      `test cart::totals_include_tax ... ${E}[32mok${E}[0m`,
      `test orders::export_csv ... ${E}[31mFAILED${E}[0m`,
      `test auth::rejects_expired_session ... ${E}[32mok${E}[0m`,
      "", "failures:", "", "---- orders::export_csv stdout ----",
      "thread 'orders::export_csv' panicked at src/orders.rs:218:9:",
      "assertion `left == right` failed: CSV header mismatch",
      '  left: "id,total,currency"', ' right: "id,total,currency,placed_at"',
      "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace", "", "failures:", "    orders::export_csv", "",
      `test result: ${E}[31mFAILED${E}[0m. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.41s`, "",
      `${red("error")}: test failed, to rerun pass \`--lib\``,
    ],
  },
  "cargo build": {
    ok: [`${green("   Compiling")} serde v1.0.215`, `${green("   Compiling")} tokio v1.41.1`, `${green("   Compiling")} shop v0.1.0 (/home/runner/work/shop/shop)`, `${green("    Finished")} \`release\` profile [optimized] target(s) in 1m 52s`],
    fail: [`${green("   Compiling")} shop v0.1.0 (/home/runner/work/shop/shop)`, `${red("error[E0425]")}${E}[1m: cannot find value \`rate\` in this scope${E}[0m`, `${red("error")}: could not compile \`shop\` (bin "shop") due to 1 previous error`],
  },
  "./scripts/deploy.sh": {
    ok: ["Deploying to staging", "Pushing image ghcr.io/acme/shop", "Rolling out: 3/3 replicas ready", `${E}[32m✔ Deployed${E}[0m`],
    fail: ["Deploying to staging", "Rolling out: 1/3 replicas ready", `${E}[31m✖ rollout timed out after 60s${E}[0m`],
  },
  "npm ci": { ok: ["added 412 packages, and audited 413 packages in 9s", "found 0 vulnerabilities"], fail: ["npm ERR! code ECONNRESET"] },
  "npm run test:e2e": {
    ok: ["> shop-e2e@1.0.0 test:e2e", "> node --test specs/", `${E}[32m✔${E}[39m checkout (2104.5ms)`, "ℹ tests 12", "ℹ pass 12", "ℹ fail 0"],
    fail: ["> shop-e2e@1.0.0 test:e2e", "> node --test specs/", `${E}[31m✖${E}[39m checkout (30012.1ms)`, "ℹ tests 12", "ℹ pass 11", "ℹ fail 1"],
  },
  "cargo fmt": { ok: [], fail: ["Diff in /builds/acme/platform/shop/src/cart.rs at line 57:"] },
};

const outputOf = (command) => OUTPUT[Object.keys(OUTPUT).find((key) => command.startsWith(key))] ?? { ok: ["Done."], fail: ["Failed."] };
const exitCodeOf = (command) => (command.startsWith("cargo") ? 101 : 1);

function githubStepLines(step, { repo, run, job }) {
  const branch = run.head_branch;
  const sha = run.head_sha;
  const name = step.name;
  if (name === "Set up job") {
    return [
      "Current runner version: '2.321.0'", "##[group]Operating System", "Ubuntu", "24.04.1", "LTS", "##[endgroup]",
      "##[group]Runner Image", "Image: ubuntu-24.04", "Version: 20261123.1.0", "##[endgroup]",
      "##[group]GITHUB_TOKEN Permissions", "Contents: read", "Metadata: read", "##[endgroup]", "Secret source: Actions",
      "Prepare workflow directory", "Prepare all required actions", "Getting action download info",
      "Download action repository 'actions/checkout@v4' (SHA:11bd71901bbe5b1630ceea73d27597364c9af683)", `Complete job name: ${job.def.name}`,
    ];
  }
  if (name === "Run actions/checkout@v4") {
    return [
      "##[group]Run actions/checkout@v4", "with:", `  repository: ${repo.full_name}`, "  token: ***", "  ssh-strict: true", "  persist-credentials: true", "  clean: true", "  fetch-depth: 1", "##[endgroup]",
      `Syncing repository: ${repo.full_name}`, "##[group]Getting Git version info", `Working directory is '/home/runner/work/${repo.name}/${repo.name}'`,
      "[command]/usr/bin/git version", "git version 2.47.1", "##[endgroup]",
      "##[group]Fetching the repository",
      `[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +${sha}:refs/remotes/origin/${branch}`,
      `From https://github.com/${repo.full_name}`, ` * [new ref]         ${sha} -> origin/${branch}`, "##[endgroup]",
      "##[group]Checking out the ref", `[command]/usr/bin/git checkout --progress --force -B ${branch} refs/remotes/origin/${branch}`, `Switched to a new branch '${branch}'`, "##[endgroup]",
      "[command]/usr/bin/git log -1 --format=%H", sha,
    ];
  }
  if (name.startsWith("Post ")) {
    return ["Post job cleanup.", "[command]/usr/bin/git version", "git version 2.47.1", "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader"];
  }
  if (name === "Complete job") return ["Cleaning up orphan processes"];
  if (name === "Run actions/upload-artifact@v4") {
    return [
      "##[group]Run actions/upload-artifact@v4", "with:", "  name: shop-linux-x64", "  path: target/release/shop", "  if-no-files-found: warn", "  compression-level: 6", "##[endgroup]",
      "With the provided path, there will be 1 file uploaded", "Beginning upload of artifact content to blob storage", "Uploaded bytes 4821337",
      "Finished uploading artifact content to blob storage!", "Artifact shop-linux-x64 has been successfully uploaded! Final size is 4821337 bytes. Artifact ID is 2893740011",
    ];
  }
  const command = name.replace(/^Run /, "");
  const env = command.startsWith("cargo") ? ["env:", "  CARGO_TERM_COLOR: always"] : [];
  const header = [`##[group]Run ${command}`, `${E}[36;1m${command}${E}[0m`, "shell: /usr/bin/bash -e {0}", ...env, "##[endgroup]"];
  const output = outputOf(command);
  if (step.conclusion === "failure") return [...header, ...output.fail, `##[error]Process completed with exit code ${exitCodeOf(command)}.`];
  if (step.conclusion === "cancelled") return [...header, ...output.ok.slice(0, 2), "##[error]The operation was canceled."];
  if (step.status !== "completed") return [...header, ...output.ok.slice(0, 2)];
  return [...header, ...output.ok];
}

/** GitHub's seven-digit fraction; the extra digits only make the stamps look like the real ones. */
function githubStamp(ms, n) {
  const frac = String((ms % 1000) * 10000 + ((n * 7919) % 10000)).padStart(7, "0");
  return new Date(ms - (ms % 1000)).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** A job's log; its steps so far when it is still running. */
export function githubJobLog({ repo, run, job, now }) {
  const out = [];
  for (const step of job.steps) {
    if (step.started_at == null || step.conclusion === "skipped") continue;
    const lines = githubStepLines(step, { repo, run, job });
    const end = step.completed_at ?? now;
    lines.forEach((line, i) => {
      // Most of a step's time goes to its last lines (the command's work), not its header.
      const ms = step.started_at + Math.floor((end - step.started_at) * (i / lines.length) ** 2);
      out.push(`${githubStamp(ms, out.length)} ${line}`);
    });
  }
  return `\uFEFF${out.join("\n")}\n`;
}

const GITLAB_COMMANDS = {
  compile: ["cargo build --release --locked"],
  unit: ["cargo test --workspace"],
  lint: ["cargo fmt --check", "cargo clippy --all-targets -- -D warnings"],
  "deploy-staging": ["./scripts/deploy.sh staging"],
};

/** A job's trace, with the runner's sections; what has run so far for a running job. */
export function gitlabTrace({ project, pipeline, job, now }) {
  if (job.started_at == null) return "";
  const end = job.finished_at ?? now;
  const running = job.finished_at == null;
  const commands = GITLAB_COMMANDS[job.name] ?? [`echo ${job.name}`];
  const script = commands.flatMap((command, i) => {
    const output = outputOf(command);
    const last = i === commands.length - 1;
    const printed = job.status === "failed" && last ? output.fail : output.ok;
    return [`${E}[32;1m$ ${command}${E}[0;m`, ...printed.map((line) => line.replaceAll("/home/runner/work/shop/shop", `/builds/${project.path}`))];
  });
  const short = pipeline.sha.slice(0, 8);
  const sections = [
    ["prepare_executor", 'Preparing the "docker+machine" executor', ["Using Docker executor with image rust:1.83-bookworm ...", "Pulling docker image rust:1.83-bookworm ..."]],
    ["prepare_script", "Preparing environment", [`Running on runner-j2nyww-s-project-${project.id}-concurrent-0 via runner-j2nyww-s-s-l-s-amd64-1764311711-4c7d2e1a...`]],
    ["get_sources", "Getting source from Git repository", [
      `${E}[32;1mFetching changes with git depth set to 20...${E}[0;m`, `Initialized empty Git repository in /builds/${project.path}/.git/`,
      `${E}[32;1mCreated fresh repository.${E}[0;m`, `${E}[32;1mChecking out ${short} as detached HEAD (ref is ${pipeline.ref})...${E}[0;m`, "",
      `${E}[32;1mSkipping Git submodules setup${E}[0;m`]],
    ["step_script", 'Executing "step_script" stage of the job script', running ? script.slice(0, 2) : script],
  ];
  if (!running) {
    sections.push(job.status === "failed"
      ? ["upload_artifacts_on_failure", "Uploading artifacts for failed job", [`${E}[32;1mUploading artifacts...${E}[0;m`]]
      : ["upload_artifacts_on_success", "Uploading artifacts for successful job", [`${E}[32;1mUploading artifacts...${E}[0;m`]]);
    sections.push(["cleanup_file_variables", "Cleaning up project directory and file based variables", []]);
  }
  const secs = (ms) => Math.floor(ms / 1000);
  const lines = [
    `${E}[0KRunning with gitlab-runner 17.6.0 (374d34fd)${E}[0;m`,
    `${E}[0K  on blue-3.saas-linux-small-amd64.runners-manager.gitlab.com/default J2nyww-s, system ID: s_cf1798852952${E}[0;m`,
  ];
  // The script takes most of a job's time; preparing and cleaning up a few seconds each.
  const weights = sections.map(([name]) => (name === "step_script" ? 40 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const edge = (i) => job.started_at + Math.floor(((end - job.started_at) * weights.slice(0, i).reduce((a, b) => a + b, 0)) / total);
  let pending = "";
  sections.forEach(([name, title, body], i) => {
    const t = edge(i);
    lines.push(`${pending}section_start:${secs(t)}:${name}\r${E}[0K${E}[0K${E}[36;1m${title}${E}[0;m${E}[0;m`, ...body);
    const close = edge(i + 1);
    // GitLab writes the end marker and the next start on one line.
    pending = running && i === sections.length - 1 ? "" : `section_end:${secs(close)}:${name}\r${E}[0K`;
  });
  if (pending) lines.push(pending);
  if (job.status === "success") lines.push(`${E}[32;1mJob succeeded${E}[0;m`);
  if (job.status === "failed") lines.push(`${E}[31;1mERROR: Job failed: exit code ${exitCodeOf(commands.at(-1))}`, `${E}[0;m`);
  if (job.status === "canceled") lines.push(`${E}[31;1mERROR: Job failed: canceled${E}[0;m`);
  return `${lines.join("\n")}\n`;
}
