/**
 * The value types of the stack file (names, quantities, paths, ports, image references...):
 * each a JSON Schema rule through its JSDoc tags. See stack-config.ts.
 */

/**
 * A DNS-1123 label: lowercase letters, digits and '-', starting with a letter.
 * @pattern ^[a-z]([-a-z0-9]*[a-z0-9])?$
 * @maxLength 63
 * @allowed a DNS-1123 label of at most 63 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit
 */
export type DnsLabel = string;

/**
 * A DNS-1123 subdomain: the name of a ConfigMap or Secret.
 * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
 * @maxLength 253
 * @allowed a DNS-1123 subdomain such as shop-settings: lowercase letters, digits, '-' and '.'
 */
export type DnsSubdomain = string;

/**
 * CPU in cores (`1`, `0.5`) or millicores (`250m`).
 * @pattern ^([0-9]+(\.[0-9]+)?|\.[0-9]+)m?$
 * @allowed cores such as 1, 0.5 or millicores such as 250m
 */
export type CpuQuantity = string;

/**
 * Bytes, usually with a binary suffix (`512Mi`, `1Gi`, `10Gi`): memory, or a volume's size.
 * There is no `m` suffix: `1m` would be a thousandth of a byte.
 * @pattern ^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$
 * @allowed bytes with a suffix such as 512Mi, 1Gi or 10Gi
 */
export type MemoryQuantity = string;

/**
 * An absolute URL path prefix that begins and ends with '/', e.g. `/static/`.
 * @pattern ^/([A-Za-z0-9._~-]+/)*$
 * @allowed a URL path that starts and ends with '/', such as /static/ (letters, digits and . _ ~ - between the slashes)
 */
export type UrlPathPrefix = string;

/**
 * An absolute URL path, e.g. `/healthz`: no query string, no fragment.
 * @pattern ^/[^\s?#]*$
 * @allowed an absolute URL path such as /healthz: starting with '/', without spaces, '?' or '#'
 */
export type UrlPath = string;

/**
 * An absolute path inside a container, e.g. `/app/media`.
 * @pattern ^/[A-Za-z0-9._/-]*$
 * @allowed an absolute path such as /app/media (letters, digits and . _ / -)
 */
export type ContainerPath = string;

/**
 * A TCP port that a non-root process may listen on.
 * @asType integer
 * @minimum 1024
 * @maximum 65535
 */
export type UnprivilegedPort = number;

/**
 * A container image reference with an explicit tag other than `latest`, or a `@sha256:` digest.
 * @allowed an image with a tag other than latest, such as ghcr.io/acme/shop:1.4.2, or a digest such as ghcr.io/acme/shop@sha256:<64 hex digits>
 * @pattern ^(?!.*:latest$)[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?([a-z0-9._/-]*)?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$
 */
export type ImageReference = string;

/**
 * A string with at least one character.
 * @minLength 1
 * @allowed a non-empty string
 */
export type NonEmptyString = string;

/**
 * A command line: the program and its arguments, never run through a shell.
 * @minItems 1
 * @allowed a list of non-empty strings: the program, then its arguments, such as [python, manage.py, migrate]
 */
export type Command = NonEmptyString[];

/** Where the stack runs; staging and production forbid development-only shortcuts. */
export type Environment = 'development' | 'staging' | 'production';

/** The Python web framework the app uses; it picks the default server command. */
export type Framework = 'django' | 'flask' | 'fastapi' | 'generic';

/**
 * A workload that mounts a volume: `web`, `workers.<key>` or `schedules.<key>`.
 * @pattern ^(web|workers\.[a-z]([-a-z0-9]*[a-z0-9])?|schedules\.[a-z]([-a-z0-9]*[a-z0-9])?)$
 * @allowed web, workers.<key> or schedules.<key>
 */
export type VolumeConsumer = string;

/** The HTTP server of the default command. */
export type WebServer = 'gunicorn' | 'uvicorn' | 'granian' | 'uwsgi';

/** libpq's `sslmode`: how the app's connection to the database uses TLS. */
export type PostgresSslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/**
 * A host name, e.g. `shop.example.com`: at most 253 characters, each label at most 63.
 * @pattern ^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$
 * @maxLength 253
 * @allowed a host name such as shop.example.com (lowercase; at most 253 characters, at most 63 between dots)
 */
export type HostName = string;

/**
 * An IPv4 or IPv6 network in CIDR notation, e.g. `10.20.0.0/16`.
 * @pattern ^(([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])|[0-9A-Fa-f:.]{0,45}:[0-9A-Fa-f:.]{0,45}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$
 * @allowed a network such as 10.20.0.0/16 or fd00::/64
 */
export type Cidr = string;

/**
 * Who may fetch uploads through the nginx sidecar: `public` anyone, straight from the volume;
 * `protected` only what the app allows, by answering `X-Accel-Redirect`; `app` nginx passes
 * the requests to the app, which serves (or refuses) them itself.
 */
export type MediaServe = 'public' | 'protected' | 'app';

/** Access modes a media volume may use. */
export type MediaAccessMode = 'ReadWriteMany' | 'ReadWriteOnce';

/**
 * A Postgres identifier that needs no quoting.
 * @pattern ^[a-z_][a-z0-9_]*$
 * @maxLength 63
 * @allowed at most 63 lowercase letters, digits and _, not starting with a digit
 */
export type PostgresName = string;

/** Where the app's secrets come from. */
export type SecretsSource = 'existing' | 'external' | 'generated';

/**
 * An environment variable name (also a ConfigMap key, so at most 253 characters).
 * @pattern ^[A-Za-z_][A-Za-z0-9_]*$
 * @maxLength 253
 * @allowed at most 253 letters, digits and _, not starting with a digit
 */
export type EnvVarName = string;

/**
 * Any TCP port.
 * @asType integer
 * @minimum 1
 * @maximum 65535
 */
export type UnprivilegedOrWellKnownPort = number;

/**
 * A region name, e.g. `eu-west-1`.
 * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
 * @maxLength 63
 * @allowed a region such as eu-west-1: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit
 */
export type Region = string;
