#!/usr/bin/env bash
# Prints where the local stack's services are.
source "$(dirname "$0")/lib.sh"
ui="http://$(temporal_host):$TEMPORAL_UI_PORT"
backend=""
if pid_alive "$TWOFOLD_RUN_DIR/temporal-server.pid"; then
  backend="  Temporal backend  postgres: server $TEMPORAL_SERVER_VERSION, databases temporal + temporal_visibility on 127.0.0.1:$TWOFOLD_PG_PORT (docs/temporal-backends.md)
"
fi
cat <<EOT
twofold local stack
  Temporal gRPC     $TEMPORAL_ADDRESS (namespace $TEMPORAL_NAMESPACE)
  Temporal Web UI   $ui/namespaces/$TEMPORAL_NAMESPACE/workflows
$backend  PostgreSQL        ${DATABASE_URL:-$TWOFOLD_DEFAULT_DATABASE_URL}
  Webhook gateway   http://127.0.0.1:${GATEWAY_PORT:-3000} (webhooks, /healthz)
  Dashboard         http://127.0.0.1:${ADMIN_PORT:-3001}/dashboard (admin listener: also /metrics, /readyz)
  Authy emulator    http://127.0.0.1:${AUTHY_EMULATOR_PORT:-4010} (control API /_emulator)
  Worker metrics    http://127.0.0.1:${WORKER_METRICS_PORT:-9464}/metrics (Temporal SDK: workflow task failures, schedule-to-start, sticky cache)
  Codec server      http://127.0.0.1:${CODEC_PORT:-8089} (the Web UI and temporal --codec-endpoint decrypt payloads through it)
  Logs              $TWOFOLD_LOG_DIR
  Stuck onboardings $ui/namespaces/$TEMPORAL_NAMESPACE/workflows?query=OnboardingStage%3D%22awaiting_device%22
Stop with: make down
EOT
