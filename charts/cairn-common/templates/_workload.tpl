{{/* Deployment, Service, ServiceAccount, HorizontalPodAutoscaler, PodDisruptionBudget. */}}

{{- define "cairn-common.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
  {{- $clientId := include "cairn-common.workloadIdentityClientId" . }}
  {{- if or $clientId .Values.serviceAccount.annotations }}
  annotations:
    {{- with $clientId }}
    azure.workload.identity/client-id: {{ . | quote }}
    {{- end }}
    {{- with .Values.serviceAccount.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
# The pods need no Kubernetes API token; Azure workload identity mounts its own projected token.
automountServiceAccountToken: false
{{- end -}}

{{- define "cairn-common.deployment" -}}
{{- include "cairn-common.checkShutdown" . -}}
{{- $v := .Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "cairn-common.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "cairn-common.labels" . | nindent 8 }}
        {{- if include "cairn-common.workloadIdentityClientId" . }}
        azure.workload.identity/use: "true"
        {{- end }}
      {{- with $v.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "cairn-common.fullname" . }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $v.shutdown.terminationGracePeriodSeconds }}
      {{- with $v.global.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ $v.securityContext.runAsUser }}
        runAsGroup: {{ $v.securityContext.runAsUser }}
        fsGroup: {{ $v.securityContext.runAsUser }}
        seccompProfile:
          type: RuntimeDefault
      {{- if $v.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $v.topologySpread.topologyKeys }}
        - maxSkew: {{ $v.topologySpread.maxSkew }}
          topologyKey: {{ . }}
          whenUnsatisfiable: {{ $v.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "cairn-common.selectorLabels" $ | nindent 14 }}
        {{- end }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $v.component }}
          image: {{ include "cairn-common.image" . | quote }}
          imagePullPolicy: {{ $v.global.image.pullPolicy }}
          ports:
            {{- range $v.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "cairn-common.env" . | nindent 12 }}
          {{- /* gRPC probes take a port number, not a name. */}}
          startupProbe:
            grpc:
              port: {{ include "cairn-common.portNumber" (list . "grpc") }}
            periodSeconds: 2
            failureThreshold: {{ $v.probes.startupFailureThreshold }}
          livenessProbe:
            grpc:
              port: {{ include "cairn-common.portNumber" (list . "grpc") }}
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /readyz
              port: health
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          lifecycle:
            preStop:
              # Kubernetes' own sleep action (>= 1.30): the image has no shell or sleep binary.
              sleep:
                seconds: {{ $v.shutdown.preStopSleepSeconds }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: [ALL]
            seccompProfile:
              type: RuntimeDefault
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The root filesystem is read-only; Node and libraries may still want a scratch folder.
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
{{- end -}}

{{- define "cairn-common.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "cairn-common.selectorLabels" . | nindent 4 }}
  ports:
    {{- range .Values.ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
      protocol: TCP
      appProtocol: {{ ternary "kubernetes.io/h2c" "http" (eq .name "grpc") }}
    {{- end }}
{{- end -}}

{{- define "cairn-common.hpa" -}}
{{- $a := .Values.autoscaling -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "cairn-common.fullname" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end -}}

{{- define "cairn-common.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "cairn-common.fullname" . }}
  labels:
    {{- include "cairn-common.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "cairn-common.selectorLabels" . | nindent 6 }}
{{- end -}}
