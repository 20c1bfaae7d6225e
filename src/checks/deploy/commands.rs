//! What CI command lines do, as far as the deploy checks care: deploy,
//! verify a deployment, or roll one back. Decided on the command itself,
//! never on a job's name.

use std::sync::LazyLock;

use regex::Regex;

/// How a command deploys, which decides what undoes a failed deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployKind {
    /// `helm upgrade|install` (`--atomic` rolls back).
    Helm,
    /// `kubectl apply|replace|set image|rollout restart`, `skaffold run`,
    /// `argocd app sync`, `helmfile apply|sync`.
    Kubernetes,
    /// `terraform|tofu|terragrunt apply`: what it deploys is judged in the
    /// Terraform model.
    Terraform,
    /// `aws ecs update-service`, `ecs-deploy`, the ECS deploy action.
    Ecs,
    /// `aws deploy create-deployment`.
    CodeDeploy,
    /// CloudFormation underneath (`cdk deploy`, `sam deploy`,
    /// `aws cloudformation deploy`, `serverless deploy`): a failed stack
    /// update rolls back unless told not to.
    CloudFormation,
    /// Anything else (`gcloud run deploy`, `fly deploy`, `make deploy` …).
    Other,
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("valid built-in regex")
}

static HELM: LazyLock<Regex> = LazyLock::new(|| re(r"\bhelm3?\s+(upgrade|install)\b"));
static KUBE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bkubectl\s+(apply|replace|set\s+image|rollout\s+restart)\b|\bskaffold\s+(run|deploy)\b|\bargocd\s+app\s+sync\b|\bhelmfile\b.*\b(apply|sync)\b|\bazure/k8s-deploy@",
    )
});
static TERRAFORM: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(terraform|tofu|terragrunt)\s+(\S+\s+)*?(run-all\s+)?apply\b"));
static ECS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\baws\s+ecs\s+(update-service|create-service|deploy)\b|\becs-deploy\b|aws-actions/amazon-ecs-deploy-task-definition@|\bcopilot\s+(svc\s+)?deploy\b",
    )
});
static CODEDEPLOY: LazyLock<Regex> = LazyLock::new(|| re(r"\baws\s+deploy\s+create-deployment\b"));
static CFN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bcdk\s+deploy\b|\bsam\s+deploy\b|\baws\s+cloudformation\s+(deploy|update-stack|create-stack)\b|\b(serverless|sls)\s+deploy\b",
    )
});
static OTHER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bgcloud\s+(beta\s+|alpha\s+)?(run\s+deploy|run\s+services\s+replace|app\s+deploy|functions\s+deploy)\b|\b(fly|flyctl)\s+deploy\b|superfly/flyctl-actions|\baz\s+(webapp\s+(deploy|up)|containerapp\s+(update|up)|functionapp\s+deployment)\b|\bheroku\s+container:release\b|\bgit\s+push\s+heroku\b|\bkamal\s+deploy\b|\baws\s+lambda\s+update-function-code\b|google-github-actions/deploy-(cloudrun|appengine)@|azure/(webapps-deploy|container-apps-deploy-action)@|\b(make|just|task|mage)\s+(\S+\s+)*deploy\b|\b(npm|yarn|pnpm)\s+(run\s+)?deploy\b|(^|[\s/])deploy[\w-]*\.sh\b",
    )
});
/// Deploys to a throwaway cluster or a dry run: not a deployment.
static NOT_DEPLOY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"--dry-run|\bhelm\s+(template|lint|plugin|repo|dependency)\b|\bgh-deploy\b|gh-pages|deploy-pages|--help\b",
    )
});
/// A throwaway cluster or emulator in the job: its deploys are tests.
static EPHEMERAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bkind\s+create\s+cluster\b|\bminikube\s+start\b|\bk3d\s+cluster\s+create\b|\bctlptl\s+create\b|helm/kind-action@|engineerd/setup-kind@|container-tools/kind-action@|medyagh/setup-minikube@|AbsaOSS/k3d-action@|nolar/setup-k3d-k3s@|\blocalstack\s+start\b|\btflocal\b|\bcdklocal\b|\bsamlocal\b|\bmake\s+(\S+\s+)*(kind|e2e)[\w-]*\b",
    )
});

/// A line that is not a command (a comment, an echo of one).
fn inert(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("echo ") || t.starts_with("printf ")
}

/// How `line` deploys, if it does.
pub fn deploy_kind(line: &str) -> Option<DeployKind> {
    if inert(line) || NOT_DEPLOY.is_match(line) {
        return None;
    }
    if HELM.is_match(line) {
        Some(DeployKind::Helm)
    } else if KUBE.is_match(line) {
        Some(DeployKind::Kubernetes)
    } else if ECS.is_match(line) {
        Some(DeployKind::Ecs)
    } else if CODEDEPLOY.is_match(line) {
        Some(DeployKind::CodeDeploy)
    } else if CFN.is_match(line) {
        Some(DeployKind::CloudFormation)
    } else if TERRAFORM.is_match(line) {
        Some(DeployKind::Terraform)
    } else if OTHER.is_match(line) {
        Some(DeployKind::Other)
    } else {
        None
    }
}

/// Does `line` set up a throwaway cluster or cloud emulator?
pub fn ephemeral(line: &str) -> bool {
    !inert(line) && EPHEMERAL.is_match(line)
}

static VERIFY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bkubectl\s+(\S+\s+)*?(rollout\s+status|wait)\b|\bhelm\s+test\b|\baws\s+ecs\s+wait\s+services-stable\b|\baws\s+deploy\s+wait\s+deployment-successful\b|smoke|post-?deploy|verify[-_]?deploy|url-health-check|wait[-_]for[-_](response|endpoint)|http-status",
    )
});
static HTTP_CLIENT: LazyLock<Regex> = LazyLock::new(|| re(r"(^|[\s;&|(])(curl|wget|http|https)\s"));
static PROBE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)health|livez|readyz|/ready\b|/status\b|/ping\b|/version\b|--fail\b|\s-[a-zA-Z]*f[a-zA-Z]*\s.*--retry|--retry\b.*\s-[a-zA-Z]*f",
    )
});
/// A download, not a probe.
static DOWNLOAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\|\s*(sudo\s+)?(ba|z)?sh\b|\|\s*(sudo\s+)?(tar|bash|python3?|gpg|apt-key)\b|\s(-o|-O|--output|--remote-name)\b|\.(tar\.gz|tgz|zip|deb|rpm|sh|gpg|asc|key|exe)\b|get\.helm\.sh|githubusercontent",
    )
});
static HEALTH_GATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\breadyctl(\.exe)?\b.*\bcheck\b.*health\."));

/// Does `line` verify a deployment: a smoke test, a health probe
/// (curl/wget against the service, `kubectl rollout status`, `helm test`)
/// or `readyctl check --only 'health.*'`?
pub fn verifies(line: &str) -> bool {
    if inert(line) {
        return false;
    }
    if HEALTH_GATE.is_match(line) || VERIFY.is_match(line) {
        return true;
    }
    HTTP_CLIENT.is_match(line) && PROBE_WORDS.is_match(line) && !DOWNLOAD.is_match(line)
}

static ROLLBACK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bhelm3?\s+rollback\b|\bkubectl\s+(\S+\s+)*?rollout\s+undo\b|\bargocd\s+app\s+rollback\b|\bkamal\s+rollback\b|\bheroku\s+rollback\b|\baws\s+deploy\s+stop-deployment\b.*--auto-rollback-enabled|\bgcloud\s+(beta\s+)?run\s+services\s+update-traffic\b|(^|[\s/])rollback[\w-]*\.sh\b|\b(make|just|task)\s+(\S+\s+)*rollback\b",
    )
});

/// Does `line` roll a deployment back?
pub fn rolls_back(line: &str) -> bool {
    !inert(line) && ROLLBACK.is_match(line)
}

/// Does a deploy `line` undo itself when it fails?
pub fn self_reverting(kind: DeployKind, line: &str) -> bool {
    match kind {
        DeployKind::Helm => line.contains("--atomic") || line.contains("--rollback-on-failure"),
        DeployKind::CloudFormation => {
            !(line.contains("--no-rollback")
                || line.contains("--disable-rollback")
                || line.contains("DO_NOTHING"))
        }
        DeployKind::CodeDeploy => line.contains("--auto-rollback-configuration"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploys() {
        assert_eq!(
            deploy_kind("helm upgrade --install api ./chart --atomic"),
            Some(DeployKind::Helm)
        );
        assert_eq!(
            deploy_kind("kubectl apply -k overlays/prod"),
            Some(DeployKind::Kubernetes)
        );
        assert_eq!(
            deploy_kind("terraform -chdir=infra apply -auto-approve"),
            Some(DeployKind::Terraform)
        );
        assert_eq!(
            deploy_kind("aws ecs update-service --cluster c --service s"),
            Some(DeployKind::Ecs)
        );
        assert_eq!(
            deploy_kind("npx cdk deploy --all"),
            Some(DeployKind::CloudFormation)
        );
        assert_eq!(
            deploy_kind("gcloud run deploy api --image x"),
            Some(DeployKind::Other)
        );
        assert_eq!(
            deploy_kind("flyctl deploy --remote-only"),
            Some(DeployKind::Other)
        );
        for no in [
            "helm template chart",
            "kubectl apply --dry-run=client -f k8s/",
            "terraform plan",
            "helm plugin install https://x",
            "# helm upgrade api",
            "mkdocs gh-deploy --force",
            "kubectl get pods",
        ] {
            assert_eq!(deploy_kind(no), None, "{no}");
        }
    }

    #[test]
    fn verifications() {
        for yes in [
            "kubectl rollout status deployment/api --timeout=120s",
            "kubectl -n prod rollout status deploy/api",
            "helm test api",
            "curl -fsS https://api.example.com/healthz",
            "curl --fail --retry 5 $APP_URL",
            "./scripts/smoke-test.sh staging",
            "readyctl check --only 'health.*'",
            "Jtalk/url-health-check-action@v4",
        ] {
            assert!(verifies(yes), "{yes}");
        }
        for no in [
            "curl -fsSL https://get.helm.sh/helm-v3.tar.gz | tar xz",
            "curl -sSL https://raw.githubusercontent.com/x/install.sh | bash",
            "curl -fLo kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl",
            "readyctl check",
            "kubectl get pods",
        ] {
            assert!(!verifies(no), "{no}");
        }
    }

    #[test]
    fn rollbacks() {
        assert!(rolls_back("helm rollback api 0"));
        assert!(rolls_back("kubectl -n prod rollout undo deployment/api"));
        assert!(!rolls_back("helm upgrade api ./chart"));
        assert!(self_reverting(
            DeployKind::Helm,
            "helm upgrade --install api . --atomic"
        ));
        assert!(!self_reverting(
            DeployKind::Helm,
            "helm upgrade --install api ."
        ));
        assert!(self_reverting(DeployKind::CloudFormation, "cdk deploy"));
        assert!(!self_reverting(
            DeployKind::CloudFormation,
            "sam deploy --disable-rollback"
        ));
    }
}
