{{/*
`helm test`: a pod that asks the service's /readyz and fails unless it answers 200. It runs the
service's own image (Node is there; the image has no shell or curl), so no other image is pulled.
*/}}
{{- define "cairn-common.testPod" -}}
{{- $url := printf "http://%s:%s/readyz" (include "cairn-common.fullname" .) (include "cairn-common.portNumber" (list . "health")) -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ printf "%s-test-readyz" (include "cairn-common.fullname" .) | trunc 63 | trimSuffix "-" }}
  labels:
    app.kubernetes.io/part-of: cairn
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/component: helm-test
    app.kubernetes.io/managed-by: {{ .Release.Service }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: {{ .Values.securityContext.runAsUser }}
    runAsGroup: {{ .Values.securityContext.runAsUser }}
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: readyz
      image: {{ include "cairn-common.image" . | quote }}
      imagePullPolicy: {{ .Values.global.image.pullPolicy }}
      command:
        - node
        - -e
        - {{ printf "fetch(%q).then(r=>{console.log('%s /readyz',r.status);process.exit(r.status===200?0:1)},e=>{console.error(e.message);process.exit(1)})" $url .Values.component | quote }}
      resources:
        requests: { cpu: 10m, memory: 32Mi }
        limits: { memory: 64Mi }
      securityContext:
        allowPrivilegeEscalation: false
        privileged: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        capabilities:
          drop: [ALL]
{{- end -}}

{{/* helm test pods may reach the release's health ports and DNS, nothing else. */}}
{{- define "cairn-common.testNetworkPolicy" -}}
{{- $np := .Values.global.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ printf "%s-helm-test" .Release.Name | trunc 63 | trimSuffix "-" }}
  labels:
    app.kubernetes.io/part-of: cairn
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/component: helm-test
      app.kubernetes.io/instance: {{ .Release.Name }}
  policyTypes: [Ingress, Egress]
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
    - to:
        - podSelector:
            matchLabels:
              {{- include "cairn-common.releaseSelector" . | nindent 14 }}
              app.kubernetes.io/component: service
      ports:
        - port: health
          protocol: TCP
{{- end -}}

{{/* Everything one service chart renders. A service chart's only template is: include "cairn-common.all" . */}}
{{- define "cairn-common.all" -}}
{{ include "cairn-common.serviceAccount" . }}
---
{{ include "cairn-common.deployment" . }}
---
{{ include "cairn-common.service" . }}
---
{{ include "cairn-common.pdb" . }}
{{- if .Values.autoscaling.enabled }}
---
{{ include "cairn-common.hpa" . }}
{{- end }}
{{- if .Values.global.networkPolicy.enabled }}
---
{{ include "cairn-common.networkPolicy" . }}
{{- end }}
{{- if and .Values.ingressRoutes .Values.global.ingress.enabled }}
---
{{ include "cairn-common.ingress" . }}
{{- end }}
---
{{ include "cairn-common.testPod" . }}
{{- end -}}

{{/* What the umbrella chart renders besides its services. */}}
{{- define "cairn-common.releaseWide" -}}
{{- if .Values.global.networkPolicy.enabled }}
{{ include "cairn-common.defaultDeny" . }}
---
{{ include "cairn-common.testNetworkPolicy" . }}
{{- end }}
{{- end -}}
