// An environment's target — a Docker Engine or a Kubernetes cluster: read from its [deploy.*]
// table, named for people, and checked in the form before it is written into quantum.toml.
import type { DeployDecl, DockerTarget } from "../../api/deploy";

/** A kubeconfig context, and a namespace unless the context's. */
export type KubernetesTarget = { kind: "kubernetes"; context: string; namespace: string | null };
export type EnvironmentTarget = DockerTarget | KubernetesTarget;
export type TargetKind = EnvironmentTarget["kind"];

export function targetOf(declared: DeployDecl): EnvironmentTarget {
  if (declared.kubeContext) return { kind: "kubernetes", context: declared.kubeContext, namespace: declared.kubeNamespace };
  if (declared.dockerContext) return { kind: "context", name: declared.dockerContext };
  if (declared.dockerHost) return { kind: "host", host: declared.dockerHost, tls: declared.dockerTls };
  return { kind: "local" };
}

/** A Kubernetes environment's place and what it runs: context, namespace, manifests or replicas. */
export function kubernetesLabel(declared: DeployDecl): string {
  const parts = [`context ${declared.kubeContext ?? ""}`, `namespace ${declared.kubeNamespace ?? "of the context"}`];
  parts.push(declared.kubeManifests ? `manifests in ${declared.kubeManifests}` : `${declared.replicas ?? 1} × ${declared.kubeService ?? "ClusterIP"} Service`);
  return parts.join(" · ");
}

export function targetLabel(target: EnvironmentTarget): string {
  switch (target.kind) {
    case "kubernetes":
      return `Kubernetes context ${target.context}${target.namespace ? `, namespace ${target.namespace}` : ""}`;
    case "local":
      return "This machine's Docker";
    case "context":
      return `Docker context ${target.name}`;
    case "host":
      return target.host;
  }
}

/** The form's fields, as typed. */
export type TargetForm = { kind: TargetKind; context: string; host: string; tls: string; identity: string; kubeContext: string; namespace: string };

/** The target the form describes, or what to fix in it (and which field). */
export function targetFromForm(form: TargetForm): { target: EnvironmentTarget; identity: string | null } | { error: string; field: keyof TargetForm } {
  const identity = form.identity.trim() || null;
  if (form.kind === "local") return { target: { kind: "local" }, identity: null };
  if (form.kind === "kubernetes") {
    if (!form.kubeContext) return { error: "Choose a context.", field: "kubeContext" };
    const namespace = form.namespace.trim();
    if (namespace && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
      return { error: "A namespace is lowercase letters, digits and -, such as “shop”.", field: "namespace" };
    return { target: { kind: "kubernetes", context: form.kubeContext, namespace: namespace || null }, identity: null };
  }
  if (form.kind === "context") {
    if (!form.context) return { error: "Choose a context.", field: "context" };
    return { target: { kind: "context", name: form.context }, identity };
  }
  const host = form.host.trim();
  if (!/^(ssh|tcp):\/\/[^\s/@]*@?[^\s/]+/.test(host))
    return { error: "Write the address as ssh://user@host[:port] or tcp://host:2376.", field: "host" };
  const tls = form.tls.trim() || null;
  if (tls !== null && !host.startsWith("tcp://")) return { error: "Certificates are for a tcp:// address only.", field: "tls" };
  if (identity !== null && !host.startsWith("ssh://")) return { error: "A key file is for an ssh:// address only.", field: "identity" };
  return { target: { kind: "host", host, tls }, identity };
}

/** The SHA-256 fingerprint an unknown SSH host's error shows, to trust it with one click. */
export function fingerprintIn(message: string): string | null {
  return /SHA256:[A-Za-z0-9+/]+={0,2}/.exec(message)?.[0] ?? null;
}
