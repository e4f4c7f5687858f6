//! The data plane setting (`dataplane:` in `.realip-lint.yaml`): how the nodes forward a
//! Service's external traffic. A leaf: the config, the model and the rules all read it.

/// How Services forward external traffic on the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dataplane {
    #[default]
    KubeProxy,
    /// Cilium's kube-proxy replacement with `loadBalancer.mode: dsr` (or `hybrid`).
    CiliumDsr,
    /// Calico eBPF with `bpfExternalServiceMode: DSR`.
    CalicoEbpfDsr,
}

impl Dataplane {
    pub fn name(self) -> &'static str {
        match self {
            Self::KubeProxy => "kube-proxy",
            Self::CiliumDsr => "cilium-dsr",
            Self::CalicoEbpfDsr => "calico-ebpf-dsr",
        }
    }

    /// Direct server return keeps the client address even with `Cluster`.
    pub fn is_dsr(self) -> bool {
        self != Self::KubeProxy
    }
}
