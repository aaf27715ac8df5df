// Runs once before the suite. Areas add what must be prepared once (e.g. the forged tiny model).
export default async function setup(): Promise<void> {}
