//! The domain's closed vocabularies: credential kinds, planes, identity kinds, signal kinds,
//! severities, lifecycle activities and wait causes. Each enum is written in files in its
//! CamelCase variant name (`ApiKey`) and printed in outputs in snake_case (`api_key`).

pub mod duration;

use serde::Deserialize;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every variant, in declaration order (the order used in outputs).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// How many variants there are.
            pub const COUNT: usize = [$($text),+].len();

            /// The snake_case name used in outputs.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Position in [`Self::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }
        }

        /// Serialized by its snake_case output name (`api_key`).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

vocabulary! {
    /// What kind of secret or token a credential is; revocation is owned per kind.
    CredentialKind {
        Session => "session",
        Password => "password",
        ApiKey => "api_key",
        AccessToken => "access_token",
        RefreshToken => "refresh_token",
        Certificate => "certificate",
        Secret => "secret",
        SshKey => "ssh_key",
        AgentCredential => "agent_credential",
        ConsentGrant => "consent_grant",
        MfaFactor => "mfa_factor",
        ServiceToken => "service_token",
    }
}

vocabulary! {
    /// Where a credential lives and where its telemetry and inventory are kept.
    Plane {
        Directory => "directory",
        CloudIam => "cloud_iam",
        SecretsManager => "secrets_manager",
        CiCd => "ci_cd",
        Saas => "saas",
        AgentPlatform => "agent_platform",
        PamVault => "pam_vault",
        Endpoint => "endpoint",
        Database => "database",
        Tenant => "tenant",
    }
}

vocabulary! {
    /// Who or what an identity is.
    IdentityKind {
        Human => "human",
        ServiceAccount => "service_account",
        Workload => "workload",
        Agent => "agent",
        Contractor => "contractor",
        BreakGlass => "break_glass",
        Vendor => "vendor",
        OAuthApplication => "oauth_application",
        ExternalApplication => "external_application",
    }
}

vocabulary! {
    /// The detection that a stage may trip.
    SignalKind {
        ImpossibleTravel => "impossible_travel",
        UnusualRegion => "unusual_region",
        UnusualTokenIssuance => "unusual_token_issuance",
        PrivilegeEscalation => "privilege_escalation",
        DormantActivation => "dormant_activation",
        SecretMisuse => "secret_misuse",
        BulkExport => "bulk_export",
        UnusualHours => "unusual_hours",
        OutsideDeploymentWindow => "outside_deployment_window",
        ToolChaining => "tool_chaining",
        DataExfiltration => "data_exfiltration",
        Generic => "generic",
    }
}

vocabulary! {
    /// How bad a signal looks; an incident's severity is the highest of its detected signals.
    Severity {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

vocabulary! {
    /// Day of the week, Monday first (the simulator's week starts Monday 00:00 UTC).
    Weekday {
        Mon => "mon",
        Tue => "tue",
        Wed => "wed",
        Thu => "thu",
        Fri => "fri",
        Sat => "sat",
        Sun => "sun",
    }
}

vocabulary! {
    /// A unit of work a team performs. The first ten are the response lifecycle of DESIGN.md;
    /// `Consult` and `SignOff` are the C and A tasks a lifecycle activity spawns; `RotateAll`
    /// rotates one credential of a rotate-all sweep (policy `rotate_all`); `Intake` is
    /// receiving an external report (it then proceeds like a detection).
    Activity {
        Detect => "detect",
        Triage => "triage",
        Scope => "scope",
        ValidateEntitlement => "validate_entitlement",
        ConfirmBusiness => "confirm_business",
        ApproveContainment => "approve_containment",
        Revoke => "revoke",
        Verify => "verify",
        CaptureEvidence => "capture_evidence",
        Close => "close",
        Consult => "consult",
        SignOff => "sign_off",
        RotateAll => "rotate_all",
        Intake => "intake",
    }
}

impl Activity {
    /// Decisions need the sign-off of every A of their row.
    pub fn is_decision(self) -> bool {
        matches!(
            self,
            Activity::Triage | Activity::ApproveContainment | Activity::Close
        )
    }
}

vocabulary! {
    /// What the defender's inventory says about a credential: `Known` (scope finds it with the
    /// plane's inventory accuracy), `BelievedUnused` (listed, thought idle: scope skips it) or
    /// `Unknown` (in no inventory).
    InventoryStatus {
        Known => "known",
        BelievedUnused => "believed_unused",
        Unknown => "unknown",
    }
}

// Written by hand: the `vocabulary!` macro takes no attributes on variants (`#[default]`).
#[allow(clippy::derivable_impls)]
impl Default for InventoryStatus {
    fn default() -> Self {
        InventoryStatus::Known
    }
}

vocabulary! {
    /// Who tells the organisation from outside that something is wrong (an external report).
    ReportSource {
        Customer => "customer",
        Vendor => "vendor",
        Partner => "partner",
        ThreatIntel => "threat_intel",
        LawEnforcement => "law_enforcement",
    }
}

vocabulary! {
    /// The one cause every second of waiting is attributed to.
    WaitCause {
        Unowned => "unowned",
        Ambiguous => "ambiguous",
        NoAccountable => "no_accountable",
        SplitAccountability => "split_accountability",
        Consult => "consult",
        OffHours => "off_hours",
        Paging => "paging",
        Queue => "queue",
        ResidualValidity => "residual_validity",
    }
}

impl WaitCause {
    /// Ownership causes are stalls whatever their length.
    pub fn is_ownership(self) -> bool {
        matches!(
            self,
            WaitCause::Unowned
                | WaitCause::Ambiguous
                | WaitCause::NoAccountable
                | WaitCause::SplitAccountability
        )
    }
}

/// Seconds in a minute, hour, day and week.
pub const MINUTE: u64 = 60;
pub const HOUR: u64 = 3600;
pub const DAY: u64 = 86_400;
pub const WEEK: u64 = 7 * DAY;
