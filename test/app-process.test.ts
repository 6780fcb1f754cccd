import { recognizeAppProcess, pythonTarget } from '../lib/import/app-process';
import { celeryProcess } from '../lib/import/import-worker';
import { shellWords } from '../lib/import/shell-words';

// What the app's compose command runs: the servers the stack can run itself are recognized (and
// development servers replaced); anything else is kept as written.

const recognize = (command: string, env: Record<string, string> = {}, framework?: 'django' | 'flask' | 'fastapi') => recognizeAppProcess(shellWords(command)!, env, framework);

describe('recognizeAppProcess', () => {
  test.each([
    ['gunicorn config.wsgi --bind 0.0.0.0:5000 --chdir=/app', { server: 'gunicorn', entrypoint: 'config.wsgi:application', port: 5000 }],
    ['gunicorn -w 4 -b :8000 app:app', { server: 'gunicorn', entrypoint: 'app:app', port: 8000 }],
    ['gunicorn "app:create_app()"', { server: 'gunicorn', entrypoint: 'app:create_app()' }],
    ['gunicorn -k uvicorn.workers.UvicornWorker main:app', { server: 'gunicorn', entrypoint: 'main:app', framework: 'fastapi' }],
    ['uvicorn app.main:app --host 0.0.0.0 --port 80 --reload', { server: 'uvicorn', entrypoint: 'app.main:app', port: 80, framework: 'fastapi', devServer: 'uvicorn --reload' }],
    ['granian --interface asgi --port 8001 app:app', { server: 'granian', entrypoint: 'app:app', port: 8001 }],
    ['uwsgi --http :9090 --module shop.wsgi', { server: 'uwsgi', entrypoint: 'shop.wsgi:application', port: 9090 }],
    ['python manage.py runserver 0.0.0.0:8000', { framework: 'django', server: 'gunicorn', port: 8000, devServer: 'manage.py runserver' }],
    ['flask run --host=0.0.0.0 --port=5000', { framework: 'flask', server: 'gunicorn', port: 5000, devServer: 'flask run' }],
    ['python -m flask --app shop run', { framework: 'flask', entrypoint: 'shop:app', devServer: 'flask run' }],
    ['fastapi run --workers 4 app/main.py', { framework: 'fastapi', server: 'uvicorn', entrypoint: 'app.main:app' }],
    ['fastapi dev', { framework: 'fastapi', entrypoint: undefined, devServer: 'fastapi dev' }],
    ['sh -c "python manage.py migrate && exec gunicorn shop.wsgi -b 0.0.0.0:8000"', { server: 'gunicorn', entrypoint: 'shop.wsgi:application', port: 8000 }],
    ['uv run gunicorn shop.wsgi', { server: 'gunicorn', entrypoint: 'shop.wsgi:application' }],
  ])('%s', (command, expected) => {
    expect(recognize(command)).toMatchObject(expected);
  });

  test('the app callable comes from the env where the command does not say', () => {
    expect(recognize('python manage.py runserver', { DJANGO_SETTINGS_MODULE: 'config.settings.production' })?.entrypoint).toBe('config.wsgi:application');
    expect(recognize('flask run', { FLASK_APP: 'src/app.py' })?.entrypoint).toBe('src.app:app');
  });

  test('python app.py is Flask\'s development server only for a Flask app', () => {
    expect(recognize('python app.py', {}, 'flask')).toMatchObject({ framework: 'flask', entrypoint: 'app:app', devServer: 'python app.py' });
    expect(recognize('python app.py')).toBeUndefined();
  });

  test.each([
    '/start',
    'gunicorn -c gunicorn.conf.py',
    'uvicorn --factory app:create',
    'celery -A shop worker',
    'python worker.py',
  ])('keeps %s as written', (command) => {
    expect(recognize(command)).toBeUndefined();
  });

  test('pythonTarget', () => {
    expect(pythonTarget('app/main.py')).toBe('app.main:app');
    expect(pythonTarget('./wsgi.py', 'application')).toBe('wsgi:application');
    expect(pythonTarget('not a module')).toBeUndefined();
  });
});

describe('celeryProcess', () => {
  test.each([
    [['celery', '-A', 'config.celery_app', 'worker', '-l', 'INFO'], { app: 'config.celery_app', sub: 'worker', hasSchedule: false }],
    [['celery', '--app=shop', 'beat', '--schedule', '/tmp/s'], { app: 'shop', sub: 'beat', hasSchedule: true }],
    [['sh', '-c', 'exec celery -Ashop worker'], { app: 'shop', sub: 'worker', inShell: true }],
    [['/start-celeryworker'], undefined],
  ])('%j', (words, expected) => {
    expect(celeryProcess(words)).toEqual(expected === undefined ? undefined : expect.objectContaining(expected));
  });
});
