{{/*
What each stateless component is: its port, whether it serves Prometheus metrics, and on
which port when not its own (`opsPort`: the gateway's public port shows no metrics and no
readiness checks; OPS_PORT), its health paths, the uid its image runs as. Fixed by the images,
so not values.
*/}}
{{- define "expedientes.componentSpecs" -}}
gateway: { port: 8080, opsPort: 9464, metrics: true, live: /health/live, ready: /health/ready, uid: 1000 }
auth: { port: 3005, metrics: true, live: /health/live, ready: /health/ready, uid: 1000 }
expedientes: { port: 3001, metrics: true, live: /health/live, ready: /health/ready, uid: 1000 }
documents: { port: 3002, metrics: true, live: /health/live, ready: /health/ready, uid: 1000 }
bpm: { port: 3003, metrics: true, live: /health/live, ready: /health/ready, uid: 1000 }
search: { port: 3004, metrics: true, live: /health/live, ready: /health/ready, uid: 1000 }
frontend: { port: 8080, metrics: false, live: /healthz, ready: /healthz, uid: 101 }
{{- end -}}

{{- define "expedientes.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "expedientes.selectorLabels" -}}
app.kubernetes.io/name: expedientes
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "expedientes.labels" -}}
{{ include "expedientes.selectorLabels" . }}
app.kubernetes.io/part-of: expedientes
app.kubernetes.io/version: {{ .tag | default .root.Values.image.tag | default .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Refuses an environment's values in another environment's namespace. */}}
{{- define "expedientes.namespace" -}}
{{- if and .Values.namespace (ne .Values.namespace .Release.Namespace) -}}
{{- fail (printf "these values are for namespace %q, not %q (helm --namespace)" .Values.namespace .Release.Namespace) -}}
{{- end -}}
{{- .Release.Namespace -}}
{{- end -}}

{{/* A component's image: the release's tag, or the one given (`tag`: the canary's). */}}
{{- define "expedientes.image" -}}
{{- $tag := .tag | default (required "image.tag is required: the commit the images were built from" .root.Values.image.tag) -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .component $tag -}}
{{- end -}}

{{- define "expedientes.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" .Release.Name) -}}
{{- end -}}

{{- define "expedientes.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- trimSuffix "/" .Values.publicUrl -}}
{{- else -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{- define "expedientes.kafkaBrokers" -}}
{{- if .Values.kafka.enabled -}}
{{- printf "%s-kafka:9092" .Release.Name -}}
{{- else -}}
{{- required "kafka.external.brokers is required when kafka.enabled is false" .Values.kafka.external.brokers -}}
{{- end -}}
{{- end -}}

{{- define "expedientes.eventstoreUrl" -}}
{{- if .Values.eventstoredb.enabled -}}
{{- printf "esdb://%s-eventstoredb:2113?tls=false" .Release.Name -}}
{{- else -}}
{{- required "eventstoredb.external.url is required when eventstoredb.enabled is false" .Values.eventstoredb.external.url -}}
{{- end -}}
{{- end -}}

{{/*
The databases of each store, each with a user of the same name granted it only, whose password
is the Secret's <DATABASE>_MYSQL_PASSWORD / <DATABASE>_MONGODB_PASSWORD.
*/}}
{{- define "expedientes.mysqlDatabases" -}}expedientes bpm search auth gateway{{- end -}}
{{- define "expedientes.mongodbDatabases" -}}expedientes documents{{- end -}}

{{/*
Kafka's users: one per process of shared-kernel/kafka-acls.json (its "principals", which
check-deployment.js compares with the rendered chart), each with its password from the Secret's
<PRINCIPAL>_KAFKA_PASSWORD; and `admin`, the super user (ADMIN_KAFKA_PASSWORD), which only the
brokers and the kafka-init Job get.
*/}}
{{- define "expedientes.kafkaPrincipals" -}}expedientes documents bpm search gateway{{- end -}}

{{/*
What a store of the chart's own reads at its first start to create the services' users:
<DATABASES> and each user's password from the Secret (`store`: MYSQL or MONGODB).
*/}}
{{- define "expedientes.storeUsersEnv" -}}
{{- $databases := include (printf "expedientes.%sDatabases" (lower .store)) .root -}}
{{- range $database := splitList " " $databases }}
{{ include "expedientes.secretEnv" (dict "root" $.root "key" (printf "%s_%s_PASSWORD" (upper $database) $.store)) }}
{{- end }}
- { name: {{ .store }}_DATABASES, value: {{ $databases | quote }} }
{{- end -}}

{{/*
A service's store: its own password from the Secret, then its URL, in which the password
expands: mysql://<database>:$(<DATABASE>_MYSQL_PASSWORD)@host:port/<database>.
*/}}
{{- define "expedientes.mysqlEnv" -}}
{{- $mysql := .root.Values.mysql -}}
{{- $host := ternary (printf "%s-mysql" .root.Release.Name) $mysql.external.host $mysql.enabled -}}
{{- $port := ternary 3306 $mysql.external.port $mysql.enabled -}}
{{- $key := printf "%s_MYSQL_PASSWORD" (upper .database) -}}
{{ include "expedientes.secretEnv" (dict "root" .root "key" $key) }}
- name: MYSQL_URL
  value: {{ printf "mysql://%s:$(%s)@%s:%v/%s" .database $key (required "mysql.external.host is required when mysql.enabled is false" $host) $port .database | quote }}
{{- end -}}

{{/* The same for MongoDB, the user authenticating in its own database unless options say. */}}
{{- define "expedientes.mongodbEnv" -}}
{{- $mongodb := .root.Values.mongodb -}}
{{- $host := ternary (printf "%s-mongodb" .root.Release.Name) $mongodb.external.host $mongodb.enabled -}}
{{- $port := ternary 27017 $mongodb.external.port $mongodb.enabled -}}
{{- $options := ternary "" $mongodb.external.options $mongodb.enabled -}}
{{- $key := printf "%s_MONGODB_PASSWORD" (upper .database) -}}
{{ include "expedientes.secretEnv" (dict "root" .root "key" $key) }}
- name: MONGODB_URL
  value: {{ printf "mongodb://%s:$(%s)@%s:%v/%s%s" .database $key (required "mongodb.external.host is required when mongodb.enabled is false" $host) $port .database (ternary (printf "?%s" $options) "" (ne $options "")) | quote }}
{{- end -}}

{{/* An environment variable from the Secret, by the same name unless `name` says. */}}
{{- define "expedientes.secretEnv" -}}
- name: {{ .name | default .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "expedientes.secretName" .root }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* What a component reads beside the shared ConfigMap: its port, stores and secrets. */}}
{{- define "expedientes.componentEnv" -}}
{{- $root := .root -}}
{{- $name := .component -}}
- name: PORT
  value: {{ .spec.port | quote }}
{{- if has $name (splitList " " (include "expedientes.kafkaPrincipals" $root)) }}
# Its own Kafka user, allowed its ACLs only (README, "Kafka principals and ACLs").
- name: KAFKA_SASL_USERNAME
  value: {{ $name | quote }}
{{ include "expedientes.secretEnv" (dict "root" $root "key" (printf "%s_KAFKA_PASSWORD" (upper $name)) "name" "KAFKA_SASL_PASSWORD") }}
{{- end }}
{{- if eq $name "gateway" }}
{{- /* The canary gateway calls the canary components: its share of requests meets the new version only. */}}
{{- range $service, $target := dict "EXPEDIENTES_URL" "expedientes:3001" "DOCUMENTS_URL" "documents:3002" "BPM_URL" "bpm:3003" "SEARCH_URL" "search:3004" "AUTH_URL" "auth:3005" "FRONTEND_URL" "frontend:8080" }}
{{- $host := splitList ":" $target }}
- name: {{ $service }}
  value: {{ printf "http://%s-%s%s:%s" $root.Release.Name (index $host 0) ($.suffix | default "") (index $host 1) | quote }}
{{- end }}
# Behind the ingress controller, one proxy hop: the client's address for rate limiting.
- name: TRUST_PROXY
  value: "1"
{{ include "expedientes.secretEnv" (dict "root" $root "key" "AUTH_GATEWAY_CLIENT_SECRET") }}
{{ include "expedientes.secretEnv" (dict "root" $root "key" "GATEWAY_SESSION_SECRET") }}
# Browser sessions live server-side, shared by every gateway replica.
{{ include "expedientes.mysqlEnv" (dict "root" $root "database" "gateway") }}
{{- else if eq $name "auth" }}
{{ include "expedientes.mysqlEnv" (dict "root" $root "database" "auth") }}
- name: AUTH_TRUST_PROXY
  value: "true"
- name: AUTH_GATEWAY_REDIRECT_URIS
  value: {{ printf "%s/login/callback" (include "expedientes.publicUrl" $root) | quote }}
- name: AUTH_GATEWAY_POST_LOGOUT_REDIRECT_URIS
  value: {{ printf "%s/" (include "expedientes.publicUrl" $root) | quote }}
{{- range $key := list "AUTH_SIGNING_KEYS" "AUTH_COOKIE_KEYS" "AUTH_GATEWAY_CLIENT_SECRET" }}
{{ include "expedientes.secretEnv" (dict "root" $root "key" $key) }}
{{- end }}
{{- range $key := list "AUTH_ADMIN_PASSWORD" "AUTH_MACHINE_CLIENTS" }}
{{ include "expedientes.secretEnv" (dict "root" $root "key" $key "optional" true) }}
{{- end }}
{{- else if eq $name "expedientes" }}
{{ include "expedientes.mongodbEnv" (dict "root" $root "database" "expedientes") }}
{{- if eq $root.Values.config.EVENT_STORE "mysql" }}
{{ include "expedientes.mysqlEnv" (dict "root" $root "database" "expedientes") }}
{{- else }}
- name: EVENTSTORE_URL
  value: {{ include "expedientes.eventstoreUrl" $root | quote }}
{{- end }}
{{- else if eq $name "documents" }}
{{ include "expedientes.mongodbEnv" (dict "root" $root "database" "documents") }}
{{- else if or (eq $name "bpm") (eq $name "search") }}
{{ include "expedientes.mysqlEnv" (dict "root" $root "database" $name) }}
{{- if and (eq $name "bpm") $root.Values.calendario }}
- name: BPM_CALENDAR_DIR
  value: /etc/expedientes/calendario
{{- end }}
{{- end }}
{{- end -}}

{{/*
The hardening every container of the chart gets; the argument says whether its root file
system is read-only (the platform's images: yes; the servers' images write beside their data).
*/}}
{{- define "expedientes.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ . }}
capabilities:
  drop: [ALL]
{{- end -}}


{{/*
The network flows the platform needs, and no others: NetworkPolicies allow exactly these
(templates/networkpolicies.yaml), and README's "Allowed network flows" lists the same, which
CI compares with the rendered policies. Peers are the components, the stores (their pods, or
any address when external) and the outside peers of networkPolicy.peers.
*/}}
{{- define "expedientes.networkFlows" -}}
- { from: ingress-controller, to: gateway, port: 8080 }
- { from: prometheus, to: gateway, port: 9464 }
- { from: prometheus, to: auth, port: 3005 }
- { from: prometheus, to: expedientes, port: 3001 }
- { from: prometheus, to: documents, port: 3002 }
- { from: prometheus, to: bpm, port: 3003 }
- { from: prometheus, to: search, port: 3004 }
- { from: gateway, to: auth, port: 3005 }
- { from: gateway, to: expedientes, port: 3001 }
- { from: gateway, to: documents, port: 3002 }
- { from: gateway, to: bpm, port: 3003 }
- { from: gateway, to: search, port: 3004 }
- { from: gateway, to: frontend, port: 8080 }
- { from: gateway, to: mysql, port: 3306 }
- { from: gateway, to: kafka, port: 9092 }
- { from: auth, to: mysql, port: 3306 }
- { from: expedientes, to: auth, port: 3005 }
- { from: expedientes, to: kafka, port: 9092 }
- { from: expedientes, to: mongodb, port: 27017 }
- { from: expedientes, to: mysql, port: 3306 }
- { from: expedientes, to: eventstoredb, port: 2113 }
- { from: documents, to: auth, port: 3005 }
- { from: documents, to: kafka, port: 9092 }
- { from: documents, to: mongodb, port: 27017 }
- { from: bpm, to: auth, port: 3005 }
- { from: bpm, to: kafka, port: 9092 }
- { from: bpm, to: mysql, port: 3306 }
- { from: search, to: auth, port: 3005 }
- { from: search, to: kafka, port: 9092 }
- { from: search, to: mysql, port: 3306 }
- { from: kafka, to: kafka, port: 9092 }
- { from: kafka, to: kafka, port: 9093 }
- { from: kafka-init, to: kafka, port: 9092 }
{{- end -}}

{{/* A peer of a flow: a component's or store's pods, an external store's any address, or an outside peer. */}}
{{- define "expedientes.networkPeer" -}}
{{- $root := .root -}}
{{- $stores := dict "kafka" $root.Values.kafka "mysql" $root.Values.mysql "mongodb" $root.Values.mongodb "eventstoredb" $root.Values.eventstoredb -}}
{{- if hasKey $root.Values.networkPolicy.peers .name -}}
{{- toYaml (get $root.Values.networkPolicy.peers .name) -}}
{{- else if and (hasKey $stores .name) (not (get $stores .name).enabled) -}}
ipBlock: { cidr: 0.0.0.0/0 }
{{- else -}}
podSelector:
  matchLabels:
    {{- include "expedientes.selectorLabels" (dict "root" $root "component" .name) | nindent 4 }}
{{- end -}}
{{- end -}}

{{/* What becomes of the stores' volume claims when their StatefulSet goes (helm uninstall) or shrinks. */}}
{{- define "expedientes.claimRetention" -}}
whenDeleted: {{ .Values.storage.whenUninstalled }}
whenScaled: Retain
{{- end -}}
