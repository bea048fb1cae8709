/** electron-vite copies `?asset` imports next to the bundle and gives their runtime path. */
declare module '*?asset' {
  const path: string;
  export default path;
}
