//! Colours by role, from the config, or none at all (`NO_COLOR`): without
//! colour the app still marks what matters with bold, reverse and underline.

use ratatui::style::{Color, Modifier, Style};

use crate::config::Colors;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub color: bool,
    accent: Color,
    ok: Color,
    warn: Color,
    error: Color,
    muted: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::from_config(&Colors::default(), true)
    }
}

impl Theme {
    /// Unparseable colours fall back to the defaults (the config loader
    /// already refused them with a message).
    pub fn from_config(colors: &Colors, enabled: bool) -> Theme {
        let defaults = Colors::default();
        let pick = |value: &str, fallback: &str| {
            value.parse::<Color>().unwrap_or_else(|_| fallback.parse().unwrap_or(Color::Reset))
        };
        Theme {
            color: enabled,
            accent: pick(&colors.accent, &defaults.accent),
            ok: pick(&colors.ok, &defaults.ok),
            warn: pick(&colors.warn, &defaults.warn),
            error: pick(&colors.error, &defaults.error),
            muted: pick(&colors.muted, &defaults.muted),
        }
    }

    pub fn monochrome() -> Theme {
        Theme { color: false, ..Theme::default() }
    }

    fn fg(&self, color: Color, fallback: Modifier) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new().add_modifier(fallback) }
    }

    pub fn accent(&self) -> Style {
        self.fg(self.accent, Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.ok, Modifier::empty())
    }

    pub fn warn(&self) -> Style {
        self.fg(self.warn, Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(self.error, Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn muted(&self) -> Style {
        self.fg(self.muted, Modifier::DIM)
    }

    pub fn heading(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new().bg(self.accent).fg(Color::Black).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The border of the pane that has the keys.
    pub fn focused_border(&self) -> Style {
        self.accent()
    }

    pub fn border(&self) -> Style {
        if self.color { Style::new().fg(self.muted) } else { Style::new() }
    }

    pub fn chip(&self) -> Style {
        if self.color {
            Style::new().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn key(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }

    /// A verdict banner: the role's colour filling the width, readable from across the desk. Without
    /// colour it is reversed, and the words on it carry the meaning.
    fn fill(&self, color: Color) -> Style {
        if self.color {
            Style::new().bg(color).fg(Color::Black).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn fill_ok(&self) -> Style {
        self.fill(self.ok)
    }

    pub fn fill_warn(&self) -> Style {
        self.fill(self.warn)
    }

    pub fn fill_error(&self) -> Style {
        self.fill(self.error)
    }

    pub fn fill_neutral(&self) -> Style {
        if self.color { self.fill(self.accent) } else { Style::new().add_modifier(Modifier::BOLD) }
    }
}
