pub const PATH: &str = "schema/IMPORT.md";
pub fn render(_r: &crate::Release) -> String {
    String::new()
}
