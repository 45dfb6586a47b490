// `--env ENV` on the command line: the environment's interpreter, resolved as a switch target would be
// (the envs layer loads only when the option is given: kernel start-up does not pay for it otherwise).
export async function environmentInterpreter(env: string, system: string): Promise<string> {
  const { resolveTarget } = await import('../envs');
  return (await resolveTarget(env, { cwd: process.cwd(), system })).env.executable;
}
