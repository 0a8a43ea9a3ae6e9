{{/*
Names and labels shared by every Cairn service chart. A service chart's values carry
`component` (the service's one name: folder, Nx project, image, OTEL_SERVICE_NAME); every
object it renders is called "<release>-<component>" so services find each other by name
whatever chart installed them (the umbrella `cairn` or a service chart on its own).
*/}}

{{- define "cairn-common.fullname" -}}
{{- printf "%s-%s" .Release.Name .Values.component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name another service of the same release has: (list $ "identity") */}}
{{- define "cairn-common.peerName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" $root.Release.Name (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cairn-common.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.component }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cairn-common.labels" -}}
{{ include "cairn-common.selectorLabels" . }}
app.kubernetes.io/part-of: cairn
app.kubernetes.io/component: service
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* Every pod of this release (services and test pods): the scope of the default-deny policy. */}}
{{- define "cairn-common.releaseSelector" -}}
app.kubernetes.io/part-of: cairn
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* registry/repository:tag or @digest. The tag defaults to the global tag, then the chart's appVersion. */}}
{{- define "cairn-common.image" -}}
{{- $registry := .Values.image.registry | default .Values.global.image.registry -}}
{{- $repository := .Values.image.repository -}}
{{- $ref := ternary $repository (printf "%s/%s" $registry $repository) (empty $registry) -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $ref .Values.image.digest -}}
{{- else -}}
{{- $tag := .Values.image.tag | default .Values.global.image.tag | default .Chart.AppVersion -}}
{{- if eq (toString $tag) "latest" -}}
{{- fail (printf "%s: image tag \"latest\" is refused; pin a version or a digest" .Values.component) -}}
{{- end -}}
{{- printf "%s:%s" $ref (toString $tag) -}}
{{- end -}}
{{- end -}}

{{- define "cairn-common.portNumber" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $found := "" -}}
{{- range $root.Values.ports -}}
{{- if eq .name $name -}}{{- $found = .port -}}{{- end -}}
{{- end -}}
{{- if not $found -}}
{{- fail (printf "%s: no port named %q in ports" $root.Values.component $name) -}}
{{- end -}}
{{- $found -}}
{{- end -}}

{{- define "cairn-common.workloadIdentityClientId" -}}
{{- .Values.azure.workloadIdentity.clientId | default .Values.global.azure.workloadIdentity.clientId -}}
{{- end -}}

{{/*
Graceful shutdown must fit in the grace period: endpoints are removed during the preStop
sleep, then SIGTERM starts the service's own shutdown (bounded by SHUTDOWN_TIMEOUT, which
includes the drain). A grace period that is too short would SIGKILL a draining pod.
*/}}
{{- define "cairn-common.checkShutdown" -}}
{{- $s := .Values.shutdown -}}
{{- if ge (int $s.drainTimeoutSeconds) (int $s.timeoutSeconds) -}}
{{- fail (printf "%s: shutdown.drainTimeoutSeconds (%d) must be below shutdown.timeoutSeconds (%d)" .Values.component (int $s.drainTimeoutSeconds) (int $s.timeoutSeconds)) -}}
{{- end -}}
{{- if le (int $s.terminationGracePeriodSeconds) (add $s.preStopSleepSeconds $s.timeoutSeconds | int) -}}
{{- fail (printf "%s: shutdown.terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + timeoutSeconds (%d)" .Values.component (int $s.terminationGracePeriodSeconds) (add $s.preStopSleepSeconds $s.timeoutSeconds | int)) -}}
{{- end -}}
{{- end -}}
