import { describe, expect, it } from "vitest";
import type { DeployDecl } from "../../api/deploy";
import { fingerprintIn, kubernetesLabel, targetFromForm, targetLabel, targetOf, type TargetForm } from "./target";

const form = (fields: Partial<TargetForm>): TargetForm => ({ kind: "host", context: "", host: "", tls: "", identity: "", kubeContext: "", namespace: "", ...fields });

describe("an environment's Docker target", () => {
  it("is read from the table's keys, the context first", () => {
    const declared = { dockerContext: null, dockerHost: "ssh://deploy@prod", dockerTls: null } as DeployDecl;
    expect(targetOf(declared)).toEqual({ kind: "host", host: "ssh://deploy@prod", tls: null });
    expect(targetOf({ ...declared, dockerContext: "prod" })).toEqual({ kind: "context", name: "prod" });
    expect(targetLabel(targetOf({ ...declared, dockerHost: null }))).toBe("This machine's Docker");
  });

  it("reads a Kubernetes environment first, and checks its form", () => {
    const declared = { kubeContext: "kind-dev", kubeNamespace: "shop", dockerContext: null, dockerHost: null } as DeployDecl;
    expect(targetOf(declared)).toEqual({ kind: "kubernetes", context: "kind-dev", namespace: "shop" });
    expect(targetLabel(targetOf(declared))).toBe("Kubernetes context kind-dev, namespace shop");
    expect(targetFromForm(form({ kind: "kubernetes" }))).toEqual({ error: "Choose a context.", field: "kubeContext" });
    expect(targetFromForm(form({ kind: "kubernetes", kubeContext: "kind-dev", namespace: "Shop_1" }))).toMatchObject({ field: "namespace" });
    expect(targetFromForm(form({ kind: "kubernetes", kubeContext: "kind-dev", namespace: " " }))).toEqual({
      target: { kind: "kubernetes", context: "kind-dev", namespace: null },
      identity: null,
    });
  });

  it("names a Kubernetes environment's context, namespace and what it runs", () => {
    const declared = { kubeContext: "kind-dev", kubeNamespace: null, kubeManifests: null, kubeService: null, replicas: 2 } as DeployDecl;
    expect(kubernetesLabel(declared)).toBe("context kind-dev · namespace of the context · 2 × ClusterIP Service");
    expect(kubernetesLabel({ ...declared, kubeNamespace: "shop", kubeManifests: "k8s" })).toBe("context kind-dev · namespace shop · manifests in k8s");
  });

  it("takes an ssh:// or tcp:// address, with credentials only where they apply", () => {
    expect(targetFromForm(form({ host: " ssh://deploy@prod:2222 ", identity: "~/.ssh/deploy" }))).toEqual({
      target: { kind: "host", host: "ssh://deploy@prod:2222", tls: null },
      identity: "~/.ssh/deploy",
    });
    expect(targetFromForm(form({ host: "prod:22" }))).toMatchObject({ field: "host" });
    expect(targetFromForm(form({ host: "ssh://prod", tls: "certs" }))).toMatchObject({ field: "tls" });
    expect(targetFromForm(form({ host: "tcp://prod:2376", identity: "key" }))).toMatchObject({ field: "identity" });
    expect(targetFromForm(form({ kind: "context" }))).toMatchObject({ field: "context" });
    expect(targetFromForm(form({ kind: "local", host: "ignored" }))).toEqual({ target: { kind: "local" }, identity: null });
  });

  it("finds the fingerprint in an unknown host's message", () => {
    const message = "The SSH host 10.0.0.5 is not known yet; its key's fingerprint is SHA256:abc+/DEF0123=. Trust it only if …";
    expect(fingerprintIn(message)).toBe("SHA256:abc+/DEF0123=");
    expect(fingerprintIn("refused")).toBeNull();
  });
});
