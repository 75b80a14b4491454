//! A table of stable message ids with their English text: one macro makes the enum, its ids,
//! its English and the list of all variants (which the catalogue test walks).

/// `catalogue_ids! { Name  Variant = "english", ... }` defines `pub enum Name` with
/// `id()` (the variant's name), `en()` (the English text) and `ALL`.
macro_rules! catalogue_ids {
    ($name:ident $($variant:ident = $en:literal,)*) => {
        /// A stable message id (see the module header); `en()` is its English text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = $en]
                $variant,
            )*
        }

        impl $name {
            /// Every variant, for the catalogue test.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable id: the variant's name.
            pub fn id(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant),)*
                }
            }

            /// The English text.
            pub fn en(self) -> &'static str {
                match self {
                    $($name::$variant => $en,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.en())
            }
        }
    };
}

pub(crate) use catalogue_ids;
