/// <reference types="jest" />
// pyvenv.cfg as venv, virtualenv and uv write it.
import { parsePyvenvCfg } from '../../kernel/envs/pyvenv-cfg';

test('venv', () => {
  expect(parsePyvenvCfg([
    'home = /root/.pyenv/versions/3.11.7/bin',
    'include-system-site-packages = false',
    'version = 3.11.7',
    'executable = /root/.pyenv/versions/3.11.7/bin/python3.11',
    'command = /root/.pyenv/versions/3.11.7/bin/python3 -m venv --without-pip /tmp/v',
    '',
  ].join('\n'))).toEqual({ home: '/root/.pyenv/versions/3.11.7/bin', version: '3.11.7',
    executable: '/root/.pyenv/versions/3.11.7/bin/python3.11', baseExecutable: null, includeSystemSitePackages: false });
});

test('virtualenv: version_info, base-executable, CRLF, keys in any case', () => {
  expect(parsePyvenvCfg('Home = /usr/bin\r\nimplementation = CPython\r\nversion_info = 3.11.2.final.0\r\n' +
    'virtualenv = 20.17.1\r\nInclude-System-Site-Packages = True\r\nbase-executable = /usr/bin/python3.11\r\n'))
    .toEqual({ home: '/usr/bin', version: '3.11.2', executable: null, baseExecutable: '/usr/bin/python3.11',
      includeSystemSitePackages: true });
});

test('values keep their own = signs; lines without one and empty values are ignored', () => {
  const cfg = parsePyvenvCfg('# a comment\nprompt = a=b\nhome =\nversion = 3.12\n');
  expect(cfg).toMatchObject({ home: null, version: '3.12.0', includeSystemSitePackages: false });
});

test('an unreadable version counts as none', () => {
  expect(parsePyvenvCfg('version = unknown\n').version).toBeNull();
});
