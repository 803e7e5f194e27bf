{{/*
A single-node server in the cluster: a Service and a StatefulSet with one persistent volume.
EventStoreDB, MongoDB and MySQL differ only in what the caller passes:
  root, component, values (image, storage, resources), port, uid (the image's user),
  dataPath, env, probes (YAML: startupProbe, livenessProbe, readinessProbe),
  extraMounts and extraVolumes (YAML lists, optional).
*/}}
{{- define "expedientes.server" -}}
{{- $ctx := dict "root" .root "component" .component }}
{{- $name := include "expedientes.name" $ctx }}
{{- $namespace := include "expedientes.namespace" .root }}
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "expedientes.labels" $ctx | nindent 4 }}
spec:
  selector:
    {{- include "expedientes.selectorLabels" $ctx | nindent 4 }}
  ports:
    - { name: server, port: {{ .port }}, targetPort: server }
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "expedientes.labels" $ctx | nindent 4 }}
spec:
  serviceName: {{ $name }}
  replicas: 1
  selector:
    matchLabels:
      {{- include "expedientes.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "expedientes.labels" $ctx | nindent 8 }}
    spec:
      serviceAccountName: {{ .root.Release.Name }}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .uid }}
        runAsGroup: {{ .uid }}
        fsGroup: {{ .uid }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .component }}
          image: {{ .values.image }}
          ports:
            - { name: server, containerPort: {{ .port }} }
          env:
            {{- .env | nindent 12 }}
          {{- .probes | nindent 10 }}
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            {{- include "expedientes.containerSecurityContext" false | nindent 12 }}
          volumeMounts:
            - { name: data, mountPath: {{ .dataPath }} }
            {{- with .extraMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      {{- with .extraVolumes }}
      volumes:
        {{- . | nindent 8 }}
      {{- end }}
  persistentVolumeClaimRetentionPolicy:
    {{- include "expedientes.claimRetention" .root | nindent 4 }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        {{- with .values.storage.storageClassName }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ .values.storage.size }}
{{- end -}}
