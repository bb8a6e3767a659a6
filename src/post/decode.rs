//! Bytes → text: BOMs, UTF-16, GBK/GB18030 and other legacy encodings.

use encoding_rs::Encoding;

use super::PostError;

/// How many leading bytes are inspected for NUL bytes when deciding that a file is binary.
const BINARY_SNIFF_BYTES: usize = 8192;

/// Decodes a post file into text.
///
/// UTF-8 (with or without BOM) and UTF-16 with a BOM are decoded directly; anything that is not
/// valid UTF-8 is handed to `chardetng`, which recognises GBK/GB18030, Big5 and the other legacy
/// encodings. Files with NUL bytes (images, archives) are rejected as binary. Line endings are
/// normalised to `\n`.
pub fn decode(bytes: &[u8]) -> Result<String, PostError> {
    let text = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => {
            let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
            text.into_owned()
        }
        None => {
            let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
            if head.contains(&0) {
                return Err(PostError::Binary);
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => decode_legacy(bytes),
            }
        }
    };
    Ok(normalize_newlines(text))
}

/// Text that is UTF-8 but for a few damaged bytes stays UTF-8 (with replacement characters);
/// text in a legacy encoding has almost no valid multi-byte UTF-8 sequences.
fn decode_legacy(bytes: &[u8]) -> String {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if valid > invalid * 4 {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    // chardetng names GB18030 content "GBK"; encoding_rs' GBK decoder is the GB18030 decoder.
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

fn normalize_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "数字经济发展迅速\n第二行";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(TEXT.as_bytes()).unwrap(), TEXT);
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(TEXT.as_bytes());
        assert_eq!(decode(&bytes).unwrap(), TEXT);
    }

    #[test]
    fn gbk_and_gb18030() {
        for encoding in [encoding_rs::GBK, encoding_rs::GB18030] {
            let (bytes, _, _) = encoding.encode(TEXT);
            assert_eq!(decode(&bytes).unwrap(), TEXT, "{}", encoding.name());
        }
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(TEXT.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), TEXT);
        let mut be = vec![0xFE, 0xFF];
        be.extend(TEXT.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), TEXT);
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(decode(b"a\r\nb\rc").unwrap(), "a\nb\nc");
    }

    #[test]
    fn binary_is_rejected() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(decode(png), Err(PostError::Binary)));
    }

    #[test]
    fn invalid_utf8_in_the_middle_is_replaced_not_fatal() {
        let mut bytes = "前半部分是正常的中文文本，".repeat(20).into_bytes();
        bytes.extend_from_slice(&[0xFF, 0xFE, 0xFD]);
        bytes.extend_from_slice("后半部分也是正常文本。".repeat(20).as_bytes());
        let text = decode(&bytes).unwrap();
        assert!(text.starts_with("前半部分"));
        assert!(text.ends_with("正常文本。"));
    }
}
