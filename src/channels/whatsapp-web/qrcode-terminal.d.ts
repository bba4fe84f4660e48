/** Types of `qrcode-terminal` (the package ships none): renders a QR code as terminal text. */
declare module 'qrcode-terminal' {
  const qrcode: {
    /** Renders `text` as a QR code; with `cb` the rendering is handed over instead of printed. */
    generate(text: string, opts?: { small?: boolean }, cb?: (rendered: string) => void): void;
  };
  export default qrcode;
}
