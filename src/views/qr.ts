import QRCode from "qrcode";

export const QR_ACCESSIBLE_NAME = "QR code for authenticator app";

/** The otpauth URI as an inline SVG image with its accessible name (no external request, no inline script). */
export async function qrSvg(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4, color: { dark: "#000000", light: "#ffffff" } });
  return svg.replace("<svg ", `<svg role="img" aria-label="${QR_ACCESSIBLE_NAME}" width="240" height="240" `);
}
