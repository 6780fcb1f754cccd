import { dockerfileProcess } from '../lib/import/dockerfile';

// What a Dockerfile's final stage runs, for the importer to recognize the app's server.

describe('dockerfileProcess', () => {
  test('the exec form as written, of the last stage only', () => {
    const text = 'FROM node:20 AS assets\nCMD ["npm", "run", "build"]\n\nFROM python:3.12\n# comment\nENTRYPOINT ["/tini", "--"]\nCMD ["gunicorn", "shop.wsgi"]\n';
    expect(dockerfileProcess(text)).toEqual({ entrypoint: ['/tini', '--'], command: ['gunicorn', 'shop.wsgi'] });
  });

  test('the shell form runs in /bin/sh -c, continuation lines joined', () => {
    expect(dockerfileProcess('FROM python:3.12\nCMD gunicorn \\\n  --bind 0.0.0.0:8000 shop.wsgi\n').command).toEqual(['/bin/sh', '-c', 'gunicorn    --bind 0.0.0.0:8000 shop.wsgi']);
  });

  test('a stage that says nothing runs nothing the file states', () => {
    expect(dockerfileProcess('FROM python:3.12\nCMD ["python"]\nFROM gcr.io/distroless/python3\nCOPY . /app\n')).toEqual({});
  });

  test('a bracket that is not JSON is the shell form, as Docker takes it', () => {
    expect(dockerfileProcess("FROM x:1\nCMD ['single', 'quotes']\n").command).toEqual(['/bin/sh', '-c', "['single', 'quotes']"]);
  });
});
