import Foundation
import Testing

/// cluster/kubernetes built with `kubectl kustomize` and validated by `kubernetes-validate`
/// against the newest schema it knows; then what the schema cannot see: the security context of
/// every container, the worker's knobs, the spec in the ConfigMap (`sweep validate`), how the
/// secret key reaches sweep (KeyFiles refuses the Secret volume's file, accepts the init
/// container's copy), and that cluster/container/Containerfile matches the manifests.
@Suite(.enabled(if: KubernetesManifests.unavailableReason == nil, "\(KubernetesManifests.unavailableReason ?? "")"))
struct PackagingKubernetesTests {
    @Test func kustomizationBuildsAndValidates() throws {
        let built = try KubernetesManifests.build()
        let file = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: file) }
        let yaml = file.appendingPathComponent("sweep.yaml")
        try built.write(to: yaml, atomically: true, encoding: .utf8)
        let validate = try ToolRun(KubernetesManifests.validator, ["--strict", yaml.path])
        #expect(validate.status == 0, "\(validate.transcript)")
        let kinds = try KubernetesManifests.objects(built).compactMap { $0["kind"] as? String }.sorted()
        #expect(kinds == ["ConfigMap", "Deployment", "Job", "PersistentVolumeClaim", "Service"])
        #expect(
            validate.stdout.components(separatedBy: "passed for resource").count - 1 == kinds.count,
            "\(validate.transcript)")
        // Debian 12's kubectl 1.20 (kustomize v2) must build it too, where one is at hand.
        if FileManager.default.isExecutableFile(atPath: KubernetesManifests.oldKubectl) {
            let old = try KubernetesManifests.objects(
                try KubernetesManifests.build(kubectl: KubernetesManifests.oldKubectl))
            #expect(old.compactMap { $0["kind"] as? String }.sorted() == kinds)
        }
    }

    /// Non-root, read-only root filesystem, no capabilities, seccomp RuntimeDefault: in both pods,
    /// for every container including the init containers.
    @Test func everyContainerIsLockedDown() throws {
        let objects = try KubernetesManifests.objects(try KubernetesManifests.build())
        for kind in ["Job", "Deployment"] {
            let pod = try KubernetesManifests.podSpec(objects, kind: kind)
            let security = pod["securityContext"] as? [String: Any] ?? [:]
            #expect(security["runAsNonRoot"] as? Bool == true, "\(kind)")
            #expect(security["runAsUser"] as? Int == KubernetesManifests.uid, "\(kind)")
            #expect((security["seccompProfile"] as? [String: Any])?["type"] as? String == "RuntimeDefault", "\(kind)")
            #expect(pod["automountServiceAccountToken"] as? Bool == false, "\(kind)")
            let containers =
                (pod["containers"] as? [[String: Any]] ?? []) + (pod["initContainers"] as? [[String: Any]] ?? [])
            #expect(containers.count == 2, "\(kind): a container and the keys init container")
            for container in containers {
                let name = "\(kind) \(container["name"] ?? "?")"
                let context = container["securityContext"] as? [String: Any] ?? [:]
                #expect(context["readOnlyRootFilesystem"] as? Bool == true, "\(name)")
                #expect(context["allowPrivilegeEscalation"] as? Bool == false, "\(name)")
                #expect((context["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"], "\(name)")
                #expect(container["image"] as? String == KubernetesManifests.image, "\(name)")
            }
        }
    }

    /// The worker: slots follow its CPU request, it drains within the grace period, it connects
    /// to the Service's name and port, and it has no preStop hook delaying the SIGTERM that drains it.
    @Test func workerDeploymentKnobs() throws {
        let objects = try KubernetesManifests.objects(try KubernetesManifests.build())
        let pod = try KubernetesManifests.podSpec(objects, kind: "Deployment")
        let worker = try #require((pod["containers"] as? [[String: Any]])?.first)
        let args = worker["args"] as? [String] ?? []
        let service = try #require(objects.first { $0["kind"] as? String == "Service" })
        let name = (service["metadata"] as? [String: Any])?["name"] as? String ?? "?"
        let port = ((service["spec"] as? [String: Any])?["ports"] as? [[String: Any]])?.first?["port"] as? Int ?? 0
        #expect(args.starts(with: ["worker", "--connect", "tcp://\(name):\(port)"]), "\(args)")
        #expect(args.contains("$(SWEEP_SLOTS)"))
        let env = worker["env"] as? [[String: Any]] ?? []
        let slots = env.first { $0["name"] as? String == "SWEEP_SLOTS" }?["valueFrom"] as? [String: Any]
        #expect((slots?["resourceFieldRef"] as? [String: Any])?["resource"] as? String == "requests.cpu")
        #expect((pod["terminationGracePeriodSeconds"] as? Int ?? 0) >= 600)
        #expect((worker["lifecycle"] as? [String: Any])?["preStop"] == nil)
        let replicas = (objects.first { $0["kind"] as? String == "Deployment" }?["spec"] as? [String: Any])?["replicas"]
        #expect(replicas as? Int ?? 0 >= 1)
        let serviceSelector = (service["spec"] as? [String: Any])?["selector"] as? [String: String] ?? [:]
        let job = try KubernetesManifests.podTemplateLabels(objects, kind: "Job")
        #expect(!serviceSelector.isEmpty && serviceSelector.allSatisfy { job[$0.key] == $0.value })
    }

    /// The spec and data in the generated ConfigMap are a sweep that `sweep validate` accepts.
    @Test func configMapSpecValidates() throws {
        let objects = try KubernetesManifests.objects(try KubernetesManifests.build())
        let map = try #require(objects.first { $0["kind"] as? String == "ConfigMap" })
        let data = try #require(map["data"] as? [String: String])
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in data {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let validate = try FinishedCommand(["validate", directory.appendingPathComponent("spec.yaml").path])
        #expect(validate.status == 0, "\(validate.transcript)")
    }

    /// The Secret volume gives the key file mode 0440 (defaultMode, and what fsGroup makes of any
    /// mode): sweep refuses it. The init container's own command copies it as 0600: accepted.
    @Test func secretKeyReachesSweepAsAnOwnerOnlyFile() throws {
        let objects = try KubernetesManifests.objects(try KubernetesManifests.build())
        for kind in ["Job", "Deployment"] {
            let pod = try KubernetesManifests.podSpec(objects, kind: kind)
            let volumes = pod["volumes"] as? [[String: Any]] ?? []
            let secret = try #require(volumes.first { $0["secret"] != nil }?["secret"] as? [String: Any])
            #expect(secret["defaultMode"] as? Int == 0o440, "\(kind)")
            let keys = volumes.first { $0["name"] as? String == "keys" }?["emptyDir"] as? [String: Any]
            #expect(keys?["medium"] as? String == "Memory", "\(kind): keys stay off the node's disk")
            let initContainer = try #require((pod["initContainers"] as? [[String: Any]])?.first)
            let command = try #require(initContainer["command"] as? [String])
            try KubernetesManifests.checkKeyCopy(command: command, secretMode: 0o440, kind: kind)
        }
    }

    @Test func containerfileMatchesPackageAndManifests() throws {
        let file = try Repository.text("cluster/container/Containerfile")
        let version = try #require(
            FinishedCommand(["--version"]).stdout.firstMatch(of: /sweep (\d+\.\d+\.\d+)/).map { String($0.1) })
        #expect(file.contains("ARG VERSION=\(version)"))
        #expect(file.contains("COPY sweep_${VERSION}_amd64.deb"), "the name scripts/package.sh gives the .deb")
        #expect(file.contains("--uid \(KubernetesManifests.uid)") && file.contains("USER \(KubernetesManifests.uid):"))
        #expect(file.contains("-t \(KubernetesManifests.image)"), "the image name the kustomization uses")
        #expect(KubernetesManifests.image.hasSuffix(":\(version)"))
        #expect(file.contains(#"ENTRYPOINT ["/usr/bin/tini", "--", "/usr/bin/sweep"]"#))
        let package = try Repository.text("scripts/package.sh")
        #expect(package.contains(#""$out/sweep_${version}_amd64.deb""#))
    }
}
