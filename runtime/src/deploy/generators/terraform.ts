// Terraform for the Google Cloud side: the Cloud Run v2 service, its runtime service account, Secret
// Manager secrets (names only, values added out of band) with accessor bindings, Artifact Registry.
import type { DeployContext } from '../context.js';

const hcl = (value: string) => JSON.stringify(value);

export function terraformFiles(ctx: DeployContext): Record<string, string> {
  const { profile } = ctx;
  const cr = profile.cloudRun;
  const secrets = Object.entries(profile.secrets);
  const secretBlocks = secrets
    .map(
      ([variable, ref]) => `
resource "google_secret_manager_secret" "${tfName(variable)}" {
  secret_id = ${hcl(ref.secret)}
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "${tfName(variable)}_accessor" {
  secret_id = google_secret_manager_secret.${tfName(variable)}.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:\${google_service_account.runtime.email}"
}
`,
    )
    .join('');
  const envBlocks = [
    ['WEFT_ENV', 'production'],
    ['WEFT_REQUIRED_ENV', ctx.requiredEnv.join(',')],
    ['WEFT_HOST', '0.0.0.0'],
    ...Object.entries(profile.env).map(([k, v]) => [k, String(v)]),
  ]
    .map(
      ([name, value]) => `
      env {
        name  = ${hcl(name as string)}
        value = ${hcl(value as string)}
      }`,
    )
    .join('');
  const secretEnvBlocks = secrets
    .map(
      ([variable, ref]) => `
      env {
        name = ${hcl(variable)}
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.${tfName(variable)}.secret_id
            version = ${hcl(ref.version)}
          }
        }
      }`,
    )
    .join('');
  const main = `${ctx.header('#')}
terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
}

provider "google" {
  project = var.project
  region  = var.region
}

resource "google_project_service" "apis" {
  for_each           = toset(["run.googleapis.com", "artifactregistry.googleapis.com", "secretmanager.googleapis.com"])
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  repository_id = var.repository
  location      = var.region
  format        = "DOCKER"
  depends_on    = [google_project_service.apis]
}

resource "google_service_account" "runtime" {
  account_id   = ${hcl(cr.serviceAccount)}
  display_name = ${hcl(`${profile.service} runtime`)}
}
${secretBlocks}
resource "google_cloud_run_v2_service" "service" {
  name     = var.service
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = google_service_account.runtime.email
    max_instance_request_concurrency = ${cr.concurrency}
    timeout                          = "3600s"
    scaling {
      min_instance_count = ${cr.minInstances}
      max_instance_count = ${cr.maxInstances}
    }
    containers {
      image = var.image
      ports {
        container_port = ${profile.port}
      }
      resources {
        limits = {
          cpu    = ${hcl(cr.cpu)}
          memory = ${hcl(cr.memory)}
        }
      }
      startup_probe {
        http_get {
          path = "/health"
        }
      }${envBlocks}${secretEnvBlocks}
    }
  }
  depends_on = [google_project_service.apis]
}
`;
  const variables = `${ctx.header('#')}
variable "project" {
  type    = string
  default = ${hcl(cr.project)}
}

variable "region" {
  type    = string
  default = ${hcl(cr.region)}
}

variable "service" {
  type    = string
  default = ${hcl(profile.service)}
}

variable "repository" {
  type    = string
  default = ${hcl(cr.repository)}
}

variable "image" {
  type        = string
  description = "The image to run, e.g. ${ctx.image}:COMMIT_SHA"
}
`;
  const outputs = `${ctx.header('#')}
output "url" {
  value = google_cloud_run_v2_service.service.uri
}

output "runtime_service_account" {
  value = google_service_account.runtime.email
}
`;
  return { 'main.tf': main, 'variables.tf': variables, 'outputs.tf': outputs };
}

function tfName(variable: string): string {
  return variable.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
