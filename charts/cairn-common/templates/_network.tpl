{{/*
NetworkPolicies. With global.networkPolicy.enabled the umbrella chart denies everything to and
from the release's pods ("cairn-common.defaultDeny"); each service then opens only what its
values list: ingress per port from named components of the same release ("*": every Cairn pod
of the release; "ingress-controller": the cluster's ingress controller), egress to DNS, to the
backing services it uses (Kafka, MongoDB, Blob, Key Vault, OpenTelemetry: by port, and by
address when global.networkPolicy.egress.<name>.to is set) and to named ports of other services.
Only the gateway's and messaging's receipt port accept the ingress controller, and only through
the gateway's Ingress object.
*/}}

{{- define "cairn-common.peerFrom" -}}
{{- $root := index . 0 -}}
{{- $from := index . 1 -}}
{{- if eq $from "*" }}
- podSelector:
    matchLabels:
      {{- include "cairn-common.releaseSelector" $root | nindent 6 }}
{{- else if eq $from "ingress-controller" }}
{{- with $root.Values.global.networkPolicy.ingressController }}
- namespaceSelector:
    {{- toYaml .namespaceSelector | nindent 4 }}
  podSelector:
    {{- toYaml .podSelector | nindent 4 }}
{{- end }}
{{- else }}
- podSelector:
    matchLabels:
      app.kubernetes.io/name: {{ $from }}
      app.kubernetes.io/instance: {{ $root.Release.Name }}
{{- end }}
{{- end -}}

{{- define "cairn-common.networkPolicy" -}}
{{- $root := . -}}
{{- $v := .Values -}}
{{- $np := $v.global.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "cairn-common.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    # helm test pods call the health port.
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/component: helm-test
              app.kubernetes.io/instance: {{ .Release.Name }}
      ports:
        - port: health
          protocol: TCP
    {{- range $v.networkPolicy.ingress }}
    {{- /* Public ports are open to the ingress controller only while the gateway's Ingress exists. */}}
    {{- $from := ternary .from (without .from "ingress-controller") $v.global.ingress.enabled }}
    {{- if $from }}
    - from:
        {{- range $from }}
        {{- include "cairn-common.peerFrom" (list $root .) | trim | nindent 8 }}
        {{- end }}
      ports:
        - port: {{ .port }}
          protocol: TCP
    {{- end }}
    {{- end }}
  egress:
    - to:
        - namespaceSelector:
            {{- toYaml $np.dns.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $np.dns.podSelector | nindent 12 }}
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- range $v.networkPolicy.egress.dependencies }}
    {{- $dep := index $np.egress . }}
    {{- if not (and (eq . "otel") (not $v.global.otel.endpoint)) }}
    # {{ . }}
    - ports:
        {{- range $dep.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      {{- with $dep.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- end }}
    {{- range $v.networkPolicy.egress.services }}
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ .component }}
              app.kubernetes.io/instance: {{ $root.Release.Name }}
      ports:
        - port: {{ .port }}
          protocol: TCP
    {{- end }}
{{- end -}}

{{/* Rendered once, by the umbrella chart: nothing reaches or leaves the release's pods unless a policy above allows it. */}}
{{- define "cairn-common.defaultDeny" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ printf "%s-default-deny" .Release.Name | trunc 63 | trimSuffix "-" }}
  labels:
    app.kubernetes.io/part-of: cairn
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  podSelector:
    matchLabels:
      {{- include "cairn-common.releaseSelector" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
{{- end -}}

{{/* The gateway's Ingress: TLS, the gateway at /, and routes to other services' ports (messaging's delivery receipts at /receipts/). */}}
{{- define "cairn-common.ingress" -}}
{{- $root := . -}}
{{- $i := .Values.global.ingress -}}
{{- if not $i.host }}
{{- fail "global.ingress.host is required when global.ingress.enabled" }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
  {{- with $i.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $i.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if $i.tls.enabled }}
  {{- if not $i.tls.secretName }}
  {{- fail "global.ingress.tls.secretName is required when global.ingress.tls.enabled" }}
  {{- end }}
  tls:
    - hosts: [{{ $i.host | quote }}]
      secretName: {{ $i.tls.secretName }}
  {{- end }}
  rules:
    - host: {{ $i.host | quote }}
      http:
        paths:
          {{- range $root.Values.ingressRoutes }}
          - path: {{ .path }}
            pathType: Prefix
            backend:
              service:
                name: {{ include "cairn-common.peerName" (list $root .component) }}
                port:
                  name: {{ .port }}
          {{- end }}
{{- end -}}
