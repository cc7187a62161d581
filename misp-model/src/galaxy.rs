//! Galaxies and galaxy clusters (threat actors, ATT&CK techniques, malware families, …).

use crate::vocabulary::Distribution;
use crate::wire::wire_struct;

wire_struct! {
    /// A galaxy with the clusters attached to the event or attribute.
    ///
    /// `kill_chain_order` and other keys stay in `extra`.
    pub struct Galaxy {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Galaxy UUID.
        pub uuid: Option<String> = "uuid",
        /// Human name, e.g. `Threat Actor`.
        pub name: Option<String> = "name",
        /// Machine type, e.g. `threat-actor`.
        pub galaxy_type: Option<String> = "type",
        /// Description.
        pub description: Option<String> = "description",
        /// Galaxy version.
        pub version: Option<u64> = "version",
        /// Icon name.
        pub icon: Option<String> = "icon",
        /// Namespace, e.g. `misp` or `mitre-attack`.
        pub namespace: Option<String> = "namespace",
        /// The attached clusters.
        pub clusters: Vec<GalaxyCluster> = "GalaxyCluster",
    }
}

wire_struct! {
    /// One cluster of a galaxy, surfaced as the tag `tag_name`.
    ///
    /// `meta`, `authors`, `GalaxyElement`, `local` and other keys stay in `extra`.
    pub struct GalaxyCluster {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Cluster UUID.
        pub uuid: Option<String> = "uuid",
        /// UUID of the cluster collection.
        pub collection_uuid: Option<String> = "collection_uuid",
        /// Galaxy type this cluster belongs to.
        pub cluster_type: Option<String> = "type",
        /// The cluster's value, e.g. `APT 28`.
        pub value: Option<String> = "value",
        /// The tag that represents the cluster, e.g. `misp-galaxy:threat-actor="APT 28"`.
        pub tag_name: Option<String> = "tag_name",
        /// Description.
        pub description: Option<String> = "description",
        /// Instance-local id of the galaxy.
        pub galaxy_id: Option<u64> = "galaxy_id",
        /// Where the cluster comes from.
        pub source: Option<String> = "source",
        /// Cluster version.
        pub version: Option<u64> = "version",
        /// Instance-local id of the tag.
        pub tag_id: Option<u64> = "tag_id",
        /// Who may see a custom cluster (0–4).
        pub distribution: Option<Distribution> = "distribution",
        /// Whether the cluster ships with MISP (true) or is custom.
        pub default: Option<bool> = "default",
    }
}
