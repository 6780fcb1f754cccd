import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { GUNICORN_CONF_DIR, GUNICORN_CONF_FILE, renderGunicornJsonLogConf } from './_gunicorn-conf';
import { PythonWebService } from './python-web-service';

/** Props of `GunicornJsonLogs`. */
export interface GunicornJsonLogsProps {
  /** The web service whose gunicorn writes JSON access lines. */
  readonly web: PythonWebService;
}

/**
 * gunicorn's access log as one JSON object per line (`logs.format: json`): a gunicorn config file
 * in a ConfigMap `<name>-gunicorn`, mounted read-only into the app container, which gunicorn
 * reads through `GUNICORN_CMD_ARGS` (put into the web env by the stack, see `GunicornJsonLogs.ENV`),
 * so the server command, the default or the user's own, stays as it is.
 */
export class GunicornJsonLogs extends Construct {
  /** The env entries that make gunicorn read the config file. */
  public static readonly ENV: Readonly<Record<string, string>> = { GUNICORN_CMD_ARGS: `--config ${GUNICORN_CONF_DIR}/${GUNICORN_CONF_FILE}` };

  /** The name of the ConfigMap holding the config file. */
  public readonly configMapName: string;

  constructor(scope: Construct, id: string, props: GunicornJsonLogsProps) {
    super(scope, id);
    const web = props.web;
    const conf = renderGunicornJsonLogConf();
    this.configMapName = web.stack.objectName('gunicorn');
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: web.stack.metadata('gunicorn', 'web', { instance: web.workloadName }),
      data: { [GUNICORN_CONF_FILE]: conf },
    });
    web.pod.addVolume({ name: 'gunicorn-config', configMap: { name: this.configMapName } });
    web.pod.addMount('app', { name: 'gunicorn-config', mountPath: GUNICORN_CONF_DIR, readOnly: true });
    web.addConfigChecksum('gunicorn', conf);
  }
}
