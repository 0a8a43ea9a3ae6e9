{{/*
The container environment. Each service validates it at start (services/<name>/src/config)
and refuses to start naming a wrong variable; the chart fails earlier, at render time, for
what it knows is missing. Order: platform variables, ports, Kafka, telemetry, the service's
own `env` (values may use templates, e.g. "{{ .Values.global.identity.issuer }}"; an empty
value is left out), secrets from one existing Secret, then `extraEnv` as written.
*/}}
{{- define "cairn-common.env" -}}
{{- $root := . -}}
{{- $v := .Values -}}
- name: SERVICE
  value: {{ $v.component | quote }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
{{- range $v.ports }}
{{- if .env }}
- name: {{ .env }}
  value: {{ .port | quote }}
{{- end }}
{{- end }}
{{- if not $v.global.kafka.brokers }}
{{- fail "global.kafka.brokers is required: the Kafka bootstrap servers, e.g. \"kafka-0.kafka:9092\" or \"<namespace>.servicebus.windows.net:9093\" for Azure Event Hubs" }}
{{- end }}
- name: KAFKA_BROKERS
  value: {{ $v.global.kafka.brokers | quote }}
- name: KAFKA_SSL
  value: {{ $v.global.kafka.ssl | toString | quote }}
{{- with $v.global.kafka.sasl }}
{{- if .mechanism }}
{{- if not .existingSecret }}
{{- fail "global.kafka.sasl.existingSecret is required with global.kafka.sasl.mechanism" }}
{{- end }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
{{- end }}
{{- end }}
{{- if $v.global.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.global.otel.endpoint | quote }}
{{- end }}
- name: SHUTDOWN_TIMEOUT
  value: {{ printf "%ds" (int $v.shutdown.timeoutSeconds) | quote }}
- name: DRAIN_TIMEOUT
  value: {{ printf "%ds" (int $v.shutdown.drainTimeoutSeconds) | quote }}
{{- range $name, $raw := $v.env }}
{{- $value := tpl (toString $raw) $root }}
{{- if $value }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- else if has $name $v.requiredEnv }}
{{- fail (printf "%s: env.%s is required (see the values reference in charts/cairn/README.md)" $v.component $name) }}
{{- end }}
{{- end }}
{{- range $v.requiredEnv }}
{{- if not (hasKey $v.env .) }}
{{- fail (printf "%s: env.%s is required (see the values reference in charts/cairn/README.md)" $v.component .) }}
{{- end }}
{{- end }}
{{- $secret := $v.secrets.existingSecret | default (include "cairn-common.fullname" $root) }}
{{- range $name, $ref := $v.secrets.env }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
