//! Text measured and wrapped without a font: advance widths estimated per character class (on
//! the wide side, so space reserved from them holds the real text), lines broken at spaces and
//! between CJK characters, never before closing or after opening punctuation (the line-breaking
//! rules of UAX #14 that chart titles need).

/// Estimated advance width of `c` in ems for a sans-serif font, on the wide side so that space
/// reserved from it holds the real text (Arial's digits are 0.556 em, CJK ideographs 1 em).
fn em(c: char) -> f32 {
    match c {
        '\u{1100}'..='\u{115F}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}' => 1.0,
        '.' | ',' | ':' | ';' | '!' | '|' | '\'' | '(' | ')' | '[' | ']' | ' ' | 'i' | 'j'
        | 'l' | 'I' | 'f' | 't' | 'r' => 0.36,
        'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 0.9,
        c if c.is_ascii_uppercase() => 0.7,
        _ => 0.6,
    }
}

/// Estimated width of `text` at `size` pixels (see [`em`]). The same estimate natively and in
/// the browser, so the native tests check the layout the page gets; measuring in the DOM would
/// cost a page layout per label at every redraw.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(em).sum::<f32>() * size
}

/// A CJK character, which a line may break before or after.
fn is_cjk(c: char) -> bool {
    em(c) >= 1.0 && !('\u{2190}'..='\u{21FF}').contains(&c)
}

/// Closing punctuation that stays on the line of the character before it.
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '：' | '；' | '）' | '、' | '！' | '？' | '」' | '』'
    )
}

/// Opening punctuation that stays on the line of the character after it.
fn opens(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '“')
}

/// `text` in lines no wider than `width` at `size` pixels: breaks at spaces, and between CJK
/// characters (not before closing punctuation). A word wider than `width` gets a line of its own.
pub fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    // Tokens: a word (a run of non-space, non-CJK characters) or one CJK character with any
    // closing punctuation after it; `true` when a space comes before it.
    let mut tokens: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    let mut word = String::new();
    for c in text.chars() {
        let push_word = |tokens: &mut Vec<(bool, String)>, word: &mut String, space: &mut bool| {
            if !word.is_empty() {
                tokens.push((*space, std::mem::take(word)));
                *space = false;
            }
        };
        if c.is_whitespace() {
            push_word(&mut tokens, &mut word, &mut space);
            space = true;
        } else if closes(c) && word.is_empty() && !tokens.is_empty() {
            if let Some(last) = tokens.last_mut() {
                last.1.push(c);
            }
        } else if opens(c) {
            // Starts a token that takes the next character too.
            push_word(&mut tokens, &mut word, &mut space);
            word.push(c);
        } else if is_cjk(c) {
            if word.chars().all(opens) {
                // An opening bracket and this character: one token.
                word.push(c);
                tokens.push((space, std::mem::take(&mut word)));
            } else {
                push_word(&mut tokens, &mut word, &mut space);
                tokens.push((space, c.to_string()));
            }
            space = false;
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push((space, word));
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (space, tok) in tokens {
        let joined = if line.is_empty() {
            tok.clone()
        } else if space {
            format!("{line} {tok}")
        } else {
            format!("{line}{tok}")
        };
        if line.is_empty() || text_width(&joined, size) <= width {
            line = joined;
        } else {
            lines.push(std::mem::replace(&mut line, tok));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_between_cjk_characters() {
        let size = 10.0;
        let w = text_width("layer 1, neuron", size);
        let lines = wrap("layer 1, neuron 291 (its own scale)", w, size);
        assert_eq!(lines[0], "layer 1, neuron");
        assert_eq!(lines.join(" "), "layer 1, neuron 291 (its own scale)");
        let zh = wrap("第 1 层：浮点（灰），量化后（蓝）", 6.0 * size, size);
        assert!(zh.len() > 1, "{zh:?}");
        assert!(
            zh.iter().all(|l| text_width(l, size) <= 6.0 * size),
            "{zh:?}"
        );
        assert!(
            zh.iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('）')),
            "{zh:?}"
        );
        // A word wider than the line gets a line of its own; nothing is lost.
        assert_eq!(
            wrap("a verylongword b", 3.0 * size, size),
            ["a", "verylongword", "b"]
        );
        assert!(wrap("", 100.0, size).is_empty());
    }
}
